using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.TestServers;

/// <summary>Gives override hooks access to what the test server recorded for the current request.</summary>
public static class HttpContextRecordingExtensions
{
    /// <summary>Gets the <see cref="RecordedRequest"/> for this request (its body and form are already parsed).</summary>
    /// <param name="context">The current request context inside a test-server hook.</param>
    /// <returns>The recorded request.</returns>
    /// <exception cref="InvalidOperationException">The context did not come from a test server.</exception>
    public static RecordedRequest GetRecordedRequest(this HttpContext context) =>
        context.Items.TryGetValue(typeof(RecordedRequest), out var value) && value is RecordedRequest recorded
            ? recorded
            : throw new InvalidOperationException("This HttpContext was not recorded by a test server.");
}
