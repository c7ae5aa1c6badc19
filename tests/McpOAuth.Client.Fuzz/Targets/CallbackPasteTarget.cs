using System.Text;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// The redirect URL a user pastes into a headless sign-in, through <see cref="ICallbackListener.TryComplete"/>: validated exactly
/// like a request to the listener, it never throws, and only a URL carrying the right <c>state</c> can complete the sign-in.
/// </summary>
internal sealed class CallbackPasteTarget : FuzzTarget
{
    // Two pending sign-ins per thread, one whose server advertises 'iss' (RFC 9207) and one whose server does not; the input's
    // length picks one, so a finding replays the same way.
    private readonly PerThread<PendingSignIns> _signIns = new(() => new PendingSignIns());

    public override string Name => "callback-paste";

    public override string Description => "ICallbackListener.TryComplete(Uri) with a pasted redirect URL";

    public override IReadOnlyList<string> Dictionary =>
        ["http://127.0.0.1:@PORT@/callback?", "state=@STATE@", "iss=@ISS@", "code=fake-code-1", "error=access_denied", "&", "=", "%", "#", "+"];

    public override bool MeasuresAllocation => false;

    public override void Run(byte[] input)
    {
        PendingSignIn signIn = _signIns.Value.For(input);
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
