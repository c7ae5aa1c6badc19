using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>An answer a test server gives only from the moment the test switches it on: until then the server answers as it
/// always does (the sign-in), afterwards <paramref name="answer"/> answers every request the hook sees (the refresh, the next
/// call). Set <see cref="HandleAsync"/> as the server's hook (<c>OnTokenRequest</c>, <c>OnMcpRequest</c>).</summary>
/// <param name="answer">Writes the answer that replaces the server's own.</param>
internal sealed class LaterAnswer(Func<HttpContext, Task> answer)
{
    private volatile bool _on;

    /// <summary>From now on, <see cref="HandleAsync"/> answers every request with the answer.</summary>
    public void SwitchOn() => _on = true;

    /// <summary>The server hook: false (the server answers) until <see cref="SwitchOn"/>, then the answer and true.</summary>
    public async Task<bool> HandleAsync(HttpContext context)
    {
        if (!_on)
        {
            return false;
        }

        await answer(context);
        return true;
    }
}
