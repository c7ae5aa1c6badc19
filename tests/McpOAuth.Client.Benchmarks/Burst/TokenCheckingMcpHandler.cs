using System.Net;

namespace McpOAuth.Client.Benchmarks.Burst;

/// <summary>An MCP server in memory: 200 for the current access token, 401 <c>invalid_token</c> for anything else.</summary>
public sealed class TokenCheckingMcpHandler(InMemoryAuthorizationServer authorizationServer) : HttpMessageHandler
{
    private int _unauthorized;

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization?.Parameter == authorizationServer.CurrentAccessToken)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }

        Interlocked.Increment(ref _unauthorized);
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return Task.FromResult(response);
    }
}
