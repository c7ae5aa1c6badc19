using System.Collections.Concurrent;
using System.Diagnostics;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>Every span of the library, kept for the trace of one test (tests run in parallel): start the test's root with
/// <see cref="StartRoot"/>, then read <see cref="Library"/> or <see cref="AllText"/>.</summary>
internal sealed class SpanRecorder : IDisposable
{
    private const string TestSourceName = "McpOAuth.Client.Tests.Spans";
    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is McpOAuthTelemetry.Name or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivityTraceId TraceId { get; private set; }

    /// <summary>The library's stopped spans in this test's trace.</summary>
    public IReadOnlyList<Activity> Library =>
        [.. _stopped.Where(a => a.Source.Name == McpOAuthTelemetry.Name && a.TraceId == TraceId)];

    /// <summary>Everything a span of this trace exposes to an exporter: names, tags, events and their tags, links, baggage and
    /// status descriptions, one per line.</summary>
    public string AllText => string.Join('\n', Library.SelectMany(Describe));

    /// <summary>Starts the test's root span; the library's spans under it are this test's.</summary>
    public Activity StartRoot()
    {
        Activity root = TestSource.StartActivity("test") ?? throw new InvalidOperationException("The recorder does not listen.");
        TraceId = root.TraceId;
        return root;
    }

    public void Dispose() => _listener.Dispose();

    private static IEnumerable<string> Describe(Activity activity) =>
    [
        activity.OperationName,
        activity.DisplayName,
        activity.StatusDescription ?? string.Empty,
        .. activity.TagObjects.Select(t => $"{t.Key}={t.Value}"),
        .. activity.Baggage.Select(b => $"{b.Key}={b.Value}"),
        .. activity.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}").Prepend(e.Name)),
        .. activity.Links.SelectMany(l => (l.Tags ?? []).Select(t => $"{t.Key}={t.Value}")),
    ];
}
