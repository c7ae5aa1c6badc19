using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace McpOAuth.Client.Internal;

/// <summary>The library's <see cref="ActivitySource"/> and instruments, created once per meter factory (or once per process
/// without DI). Tags are low-cardinality protocol words and host names; never a secret or a URL with its query.</summary>
internal sealed class Telemetry
{
    public static readonly ActivitySource Source = new(McpOAuthTelemetry.Name, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    private static readonly Lazy<Telemetry> ProcessWide = new(() => new Telemetry(new Meter(McpOAuthTelemetry.Name)));

    private Telemetry(Meter meter)
    {
        TokenRequests = meter.CreateCounter<long>(McpOAuthTelemetry.TokenRequests, "{request}", "Token endpoint requests by grant and outcome.");
        TokenRequestDuration = meter.CreateHistogram<double>(McpOAuthTelemetry.TokenRequestDuration, "s", "Token endpoint request duration by grant and outcome.");
        AuthorizationDuration = meter.CreateHistogram<double>(McpOAuthTelemetry.AuthorizationDuration, "s", "Sign-in duration, including the user's time in the browser.");
        RefreshDuration = meter.CreateHistogram<double>(McpOAuthTelemetry.RefreshDuration, "s", "Renewal duration without a user.");
        Challenges = meter.CreateCounter<long>(McpOAuthTelemetry.Challenges, "{challenge}", "Challenges answered, by kind.");
        CredentialsServed = meter.CreateCounter<long>(McpOAuthTelemetry.CredentialsServed, "{credential}", "Credentials attached to requests, from the cache or renewed.");
        StoreErrors = meter.CreateCounter<long>(McpOAuthTelemetry.StoreErrors, "{error}", "Token store failures, by operation.");
    }

    public Counter<long> TokenRequests { get; }

    public Histogram<double> TokenRequestDuration { get; }

    public Histogram<double> AuthorizationDuration { get; }

    public Histogram<double> RefreshDuration { get; }

    public Counter<long> Challenges { get; }

    public Counter<long> CredentialsServed { get; }

    public Counter<long> StoreErrors { get; }

    /// <summary>The instruments of a container's meter factory (so tests and hosts see only their own), or the process-wide ones.</summary>
    public static Telemetry For(IMeterFactory? factory) =>
        factory is null ? ProcessWide.Value : new Telemetry(factory.Create(McpOAuthTelemetry.Name));

    /// <summary>An outcome tag: <c>success</c>, or the error code of what failed.</summary>
    public static string OutcomeOf(Exception? error) => error switch
    {
        null => "success",
        McpOAuthException ex => ex.Code.ToString(),
        OperationCanceledException => "canceled",
        _ => error.GetType().Name,
    };

    /// <summary>The host a span or measurement may name: <c>server.address</c>, never a path or query.</summary>
    public static string HostOf(Uri uri) => uri.IdnHost;

    /// <summary>Runs work in a span named for it, tagged with the server's host, and records its duration and outcome.</summary>
    public static async Task<T> MeasureAsync<T>(
        string activityName,
        Histogram<double>? duration,
        Uri server,
        TimeProvider time,
        Func<Task<T>> work)
    {
        using Activity? activity = Source.StartActivity(activityName, ActivityKind.Internal);
        activity?.SetTag("server.address", HostOf(server));
        long start = time.GetTimestamp();
        Exception? error = null;
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            string outcome = OutcomeOf(error);
            duration?.Record(time.GetElapsedTime(start).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
            if (activity is not null && error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
                activity.SetTag("error.type", outcome);
            }
        }
    }
}
