using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace McpOAuth.Client.Tests.Security;

/// <summary>Everything a secret could leak into while a test runs (issue 10, item 5): every log entry at Trace (message,
/// structured state, scopes, exception), every library span of the test's trace (tags, events, links, baggage, status), every
/// measurement's tags, and every exception the test saw (<c>ToString()</c>, inner exceptions, the OAuth members). The secrets
/// are what actually went over the wire, read back from the loopback servers' recordings, plus the keys the test holds.</summary>
internal sealed class LeakWitness : IDisposable
{
    private static readonly string[] SecretFormFields =
    [
        "code", "code_verifier", "refresh_token", "client_secret", "client_assertion", "assertion", "device_code", "subject_token",
        "token", "state",
    ];

    private static readonly string[] SecretResponseFields = ["access_token", "refresh_token", "id_token", "client_secret", "device_code"];

    private readonly CapturingLoggerProvider _logs = new();
    private readonly SpanRecorder _spans = new();
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<string> _measurements = new();
    private readonly ConcurrentQueue<string> _exceptions = new();
    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly List<TestAuthorizationServer> _servers = [];
    private readonly Activity _root;

    public LeakWitness()
    {
        LoggerFactory = _logs.CreateFactory();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == McpOAuthTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        _meters.Start();
        _root = _spans.StartRoot();
    }

    public ILoggerFactory LoggerFactory { get; }

    public IReadOnlyList<Activity> Spans => _spans.Library;

    /// <summary>Records the tokens, secrets and codes the server sends back, and reads its requests when asserting.</summary>
    public void Watch(TestAuthorizationServer server)
    {
        _servers.Add(server);
        Action<JsonObject>? tokenHook = server.Options.MutateTokenResponse;
        server.Options.MutateTokenResponse = body =>
        {
            tokenHook?.Invoke(body);
            AddFields(body, "token response");
        };
        Action<JsonObject>? registrationHook = server.Options.MutateRegistrationResponse;
        server.Options.MutateRegistrationResponse = body =>
        {
            registrationHook?.Invoke(body);
            AddFields(body, "registration response");
        };
    }

    public void AddSecret(string kind, string? value)
    {
        if (value is { Length: >= 8 })
        {
            _secrets.TryAdd(value, kind);
        }
    }

    /// <summary>A private key, in every form it could be printed: PKCS#8, and its private scalar (the JWK <c>d</c>).</summary>
    public void AddPrivateKey(string kind, AsymmetricAlgorithm key)
    {
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        AddSecret(kind + " (PKCS#8)", Convert.ToBase64String(pkcs8));
        byte[]? d = key switch
        {
            ECDsa ec => ec.ExportParameters(includePrivateParameters: true).D,
            RSA rsa => rsa.ExportParameters(includePrivateParameters: true).D,
            _ => null,
        };
        if (d is not null)
        {
            AddSecret(kind + " (d)", Convert.ToBase64String(d));
            AddSecret(kind + " (JWK d)", TestJwt.B64(d));
        }
    }

    /// <summary>The DPoP keys of every stored credential (RFC 9449: the private half never leaves the store).</summary>
    public async Task AddDpopKeysAsync(ITokenStore store)
    {
        foreach (TokenSet tokens in await store.ListAsync())
        {
            if (tokens.DpopKey is { } pkcs8)
            {
                using var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
                AddPrivateKey("DPoP key", key);
            }
        }
    }

    /// <summary>Runs an act that is expected to fail, and keeps everything its exception shows.</summary>
    public async Task<Exception> FailsAsync(Func<Task> act)
    {
        try
        {
            await act();
        }
        catch (Exception ex)
        {
            Keep(ex);
            return ex;
        }

        throw new InvalidOperationException("The act was expected to fail.");
    }

    public void Keep(Exception exception)
    {
        _exceptions.Enqueue(exception.ToString());
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            _exceptions.Enqueue($"{e.GetType().FullName}: {e.Message}");
            if (e is McpOAuthException oauth)
            {
                _exceptions.Enqueue($"{oauth.Code} {oauth.Error} {oauth.ErrorDescription} {oauth.ErrorUri}");
            }
        }
    }

    /// <summary>Reads every request the watched servers recorded for the secrets on the wire, then asserts that none appears
    /// anywhere, raw or encoded. A failure names the kind of secret and where it leaked, never the secret itself.</summary>
    public void AssertNothingLeaked(int atLeastSecrets)
    {
        HarvestRequests();
        _root.Stop();
        var places = new Dictionary<string, string>
        {
            ["log"] = string.Join('\n', _logs.Lines),
            ["span"] = _spans.AllText,
            ["metric"] = string.Join('\n', _measurements),
            ["exception"] = string.Join('\n', _exceptions),
        };
        var leaks = new List<string>();
        foreach ((string secret, string kind) in _secrets)
        {
            foreach ((string encoding, string form) in Forms(secret))
            {
                leaks.AddRange(places.Where(p => p.Value.Contains(form, StringComparison.Ordinal)).Select(p => $"{kind} ({encoding}) in a {p.Key}"));
            }
        }

        _secrets.Count.Should().BeGreaterThanOrEqualTo(atLeastSecrets, "the test must have seen the secrets it looks for");
        places["log"].Should().NotBeEmpty("logging at Trace is on");
        places["span"].Should().NotBeEmpty("tracing is on");
        places["metric"].Should().Contain(McpOAuthTelemetry.TokenRequests, "metrics are on");
        leaks.Distinct().Should().BeEmpty("no token, code, verifier, secret, assertion, state or private key may leak");
    }

    public void Dispose()
    {
        _root.Dispose();
        _meters.Dispose();
        _spans.Dispose();
        LoggerFactory.Dispose();
        _logs.Dispose();
    }

    private static IEnumerable<(string Encoding, string Form)> Forms(string secret) =>
    [
        ("raw", secret), ("escaped", Uri.EscapeDataString(secret)), ("form-encoded", WebUtility.UrlEncode(secret)),
        ("base64", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))),
    ];

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder(instrument.Name);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
        }

        _measurements.Enqueue(text.ToString());
    }

    private void AddFields(JsonObject body, string where)
    {
        foreach (string field in SecretResponseFields)
        {
            AddSecret($"{field} ({where})", body[field]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? body[field]!.GetValue<string>() : null);
        }
    }

    private void HarvestRequests()
    {
        foreach (RecordedRequest request in _servers.SelectMany(s => s.Requests))
        {
            foreach (string field in SecretFormFields)
            {
                AddSecret($"{field} (sent to {request.Path})", request.FormValue(field));
                AddSecret($"{field} (query of {request.Path})", request.QueryValue(field));
            }

            AddSecret($"Authorization header (sent to {request.Path})", request.Authorization?.Split(' ', 2).ElementAtOrDefault(1));
            AddSecret($"DPoP proof (sent to {request.Path})", request.HeaderValue("DPoP"));
        }

        foreach (IssuedAccessToken token in _servers.SelectMany(s => s.IssuedAccessTokens))
        {
            AddSecret("access_token (issued)", token.Token);
        }
    }
}
