using System.Diagnostics;
using McpOAuth.Client;

namespace McpOAuth.Demo;

/// <summary>--trace: prints McpOAuth.Client's spans as they end (name, duration, tags), the way an OpenTelemetry console
/// exporter would, with nothing but the BCL's <see cref="ActivityListener"/>.</summary>
internal sealed class SpanPrinter : IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = static source => source.Name == McpOAuthTelemetry.Name,
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = static activity =>
        {
            string tags = string.Join(' ', activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            string status = activity.Status == ActivityStatusCode.Error ? $" [error {activity.StatusDescription}]" : string.Empty;
            Narrator.Party("trace", $"{activity.OperationName} {activity.Duration.TotalMilliseconds:0.0} ms {tags}{status}");
        },
    };

    public SpanPrinter() => ActivitySource.AddActivityListener(_listener);

    public void Dispose() => _listener.Dispose();
}
