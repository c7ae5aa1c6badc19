using System.Text;

namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>
/// A real <see cref="LoopbackCallbackReceiver"/> listener waiting for one authorization response, replaced by a fresh one once
/// a response ended it. Inputs name its port, <c>state</c> and issuer with <c>@PORT@</c>, <c>@STATE@</c> and <c>@ISS@</c>, so
/// mutations reach the checks behind the <c>state</c> and <c>iss</c> comparisons.
/// </summary>
internal sealed class PendingSignIn : IDisposable
{
    public const string State = "fake-state-Zm9vYmFy0123456789";
    public const string Issuer = "https://auth.example.com";

    private readonly LoopbackCallbackReceiver _receiver = new();
    private readonly bool _issuerRequired;

    public PendingSignIn(bool issuerRequired)
    {
        _issuerRequired = issuerRequired;
        Listener = Start();
    }

    public ICallbackListener Listener { get; private set; }

    public int Port => Listener.RedirectUri.Port;

    /// <summary>The input with its placeholders filled in.</summary>
    public byte[] Fill(byte[] input)
    {
        if (input.AsSpan().IndexOf((byte)'@') < 0)
        {
            return input;
        }

        string text = Encoding.Latin1.GetString(input)
            .Replace("@PORT@", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@STATE@", State, StringComparison.Ordinal)
            .Replace("@ISS@", Uri.EscapeDataString(Issuer), StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text);
    }

    /// <summary>Ends this listener and starts another, after a response completed the sign-in.</summary>
    public void Renew()
    {
        Listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Listener = Start();
    }

    public void Dispose() => Listener.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private ICallbackListener Start() => _receiver.ListenAsync(new CallbackListenRequest
    {
        State = State,
        ExpectedIssuer = Issuer,
        IssuerParameterRequired = _issuerRequired,
        Timeout = TimeSpan.FromHours(1),
    }).GetAwaiter().GetResult();
}

/// <summary>A thread's two pending sign-ins: with and without a required <c>iss</c>.</summary>
internal sealed class PendingSignIns : IDisposable
{
    private readonly PendingSignIn _issuerRequired = new(issuerRequired: true);
    private readonly PendingSignIn _issuerOptional = new(issuerRequired: false);

    public PendingSignIn For(byte[] input) => input.Length % 2 == 0 ? _issuerRequired : _issuerOptional;

    public void Dispose()
    {
        _issuerRequired.Dispose();
        _issuerOptional.Dispose();
    }
}
