using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>The backchannel handler passed to <c>McpOAuthProviderFactory.Create</c>: a real
/// <see cref="SocketsHttpHandler"/> that follows no redirects, recording every form POST (the token endpoint calls) on the
/// way, so a test counts exactly what reached the authorization server.</summary>
internal sealed class CountingBackchannelHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<TokenCall> _tokenCalls = new();

    public CountingBackchannelHandler()
        : base(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
    {
    }

    /// <summary>Gets every form POST sent so far, in order of completion.</summary>
    public IReadOnlyList<TokenCall> TokenCalls => [.. _tokenCalls];

    /// <summary>Gets the <c>grant_type=refresh_token</c> POSTs sent so far.</summary>
    public IReadOnlyList<TokenCall> RefreshCalls => [.. _tokenCalls.Where(c => c.GrantType == "refresh_token")];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.Content is not FormUrlEncodedContent content)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        // FormUrlEncodedContent is buffered: reading it here leaves it intact for the real send.
        Dictionary<string, string> form = QueryHelpers.ParseQuery("?" + await content.ReadAsStringAsync(cancellationToken))
            .ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        _tokenCalls.Enqueue(new TokenCall(form.GetValueOrDefault("grant_type"), form, response.StatusCode, body));
        return response;
    }
}
