using System.Net;
using System.Net.Http.Headers;

namespace McpOAuth.Client.Benchmarks.SteadyState;

/// <summary>The end of the in-memory pipeline: answers 200 at once, and fails a request that carries no bearer token.</summary>
public sealed class OkTerminalHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            throw new InvalidOperationException("The request reached the server without an Authorization header.");
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}

/// <summary>The floor: a handler that only sets a fixed bearer token, with no async state machine of its own.</summary>
public sealed class FixedAuthorizationHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The floor written as an <c>async</c> method that awaits the response, as any handler that inspects the response
/// (for a 401) must be: it separates the cost of that shape from the cost of the provider.</summary>
public sealed class FixedAuthorizationAsyncHandler(string token) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.Unauthorized ? throw new InvalidOperationException("401") : response;
    }
}
