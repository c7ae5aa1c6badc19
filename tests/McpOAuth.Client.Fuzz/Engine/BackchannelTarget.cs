using System.Globalization;

namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>
/// A target whose input is an authorization server's response (<see cref="HttpEnvelope"/>), read through the library's real
/// backchannel over an in-process fake server. Besides the target's own checks: a body over
/// <see cref="McpOAuthDefaults.MaxResponseBytes"/> (sent or announced) is always refused with <c>ResponseTooLarge</c>,
/// and one input's allocations stay within a budget proportional to the capped body, however large the body is.
/// </summary>
internal abstract class BackchannelTarget : FuzzTarget
{
    private const long Max = McpOAuthDefaults.MaxResponseBytes;

    private readonly PerThread<ScriptedServer> _servers = new(() => new ScriptedServer());

    public override int MaxInputLength => 16 * 1024;

    public override long AllocationBudget(byte[] input)
    {
        HttpEnvelope envelope = HttpEnvelope.Parse(input);
        long body = Math.Min(Math.Max(envelope.BodyLength, DeclaredLength(envelope) ?? 0), Max);
        return (2L << 20) + (24 * body) + (8L * input.Length);
    }

    public sealed override void Run(byte[] input)
    {
        HttpEnvelope envelope = HttpEnvelope.Parse(input);
        ScriptedServer server = _servers.Value;
        server.Serve(envelope);
        var sent = new List<string>();
        McpOAuthException? refused = Properties.Typed(() => Exercise(server, envelope, sent), sent);
        bool tooLarge = envelope.BodyLength > Max || DeclaredLength(envelope) > Max;
        if (tooLarge && server.Requests > 0)
        {
            Properties.That(
                refused?.Code == McpOAuthErrorCode.ResponseTooLarge,
                $"a {envelope.BodyLength:N0}-byte body (announced: {DeclaredLength(envelope)?.ToString("N0", CultureInfo.InvariantCulture) ?? "none"}) was not refused as too large but {refused?.Code.ToString() ?? "accepted"}");
        }
    }

    public override void Dispose()
    {
        _servers.Dispose();
        base.Dispose();
    }

    /// <summary>Drives the library with the response; checks what it returned, throws <see cref="FuzzFailure"/> on a violation.</summary>
    /// <param name="server">The fake server, already serving the response.</param>
    /// <param name="envelope">The response.</param>
    /// <param name="sent">Filled with the secrets the request carries: none may come back in an error (LOG-02).</param>
    protected abstract void Exercise(ScriptedServer server, HttpEnvelope envelope, List<string> sent);

    private static long? DeclaredLength(HttpEnvelope envelope)
    {
        if (envelope.Flag("X-Fuzz-No-Length"))
        {
            return null;
        }

        return envelope.Header("X-Fuzz-Length") is { } declared && long.TryParse(declared, CultureInfo.InvariantCulture, out long d) && d >= 0
            ? d
            : envelope.BodyLength;
    }
}
