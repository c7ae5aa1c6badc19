using System.Text;
using McpOAuth.Client.Fuzz.Engine;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// The redirect URL a user pastes into a headless sign-in, through <see cref="ICallbackListener.TryComplete"/>: validated exactly
/// like a request to the listener, it never throws, and only a URL carrying the right <c>state</c> can complete the sign-in.
/// </summary>
internal sealed class CallbackPasteTarget : FuzzTarget
{
    private readonly PerThread<PendingSignIn> _signIns = new(() => new PendingSignIn(issuerRequired: Environment.CurrentManagedThreadId % 2 == 1));

    public override string Name => "callback-paste";

    public override string Description => "ICallbackListener.TryComplete(Uri) with a pasted redirect URL";

    public override IReadOnlyList<string> Dictionary =>
        ["http://127.0.0.1:@PORT@/callback?", "state=@STATE@", "iss=@ISS@", "code=fake-code-1", "error=access_denied", "&", "=", "%", "#", "+"];

    public override bool MeasuresAllocation => false;

    public override void Run(byte[] input)
    {
        PendingSignIn signIn = _signIns.Value;
        string text = Encoding.UTF8.GetString(signIn.Fill(input));
        if (!Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out Uri? pasted))
        {
            return; // Not a URL: the caller's parsing, not the listener's.
        }

        if (signIn.Listener.TryComplete(pasted))
        {
            Properties.That(Uri.UnescapeDataString(text.Replace('+', ' ')).Contains(PendingSignIn.State, StringComparison.Ordinal), "a URL without the state completed the sign-in");
            signIn.Renew();
        }
    }

    public override void Dispose()
    {
        _signIns.Dispose();
        base.Dispose();
    }
}
