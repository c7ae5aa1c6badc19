using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace McpOAuth.Client.AspNetCore.Tests;

/// <summary>Makes a <see cref="TestMcpServer"/> answer <c>tools/list</c> with one tool named after the bearer token it was sent
/// (<c>tool-of-</c> and 8 hex digits of its SHA-256), so a test can tell whose token a user's request carried; and answers the
/// MCP SDK's <c>server/discover</c> probe with "method not found", as a server of the 2025-11-25 revision does.</summary>
internal static class ToolsPerToken
{
    public static void Install(TestMcpServer server) =>
        server.Options.OnMcpRequest = async context =>
        {
            RecordedRequest request = context.GetRecordedRequest();
            if (request.JsonRpcMethod is not ("tools/list" or "server/discover") || request.BearerToken is not { } token
                || server.AuthorizationServer?.IsAccessTokenValid(token, server.Resource, out _) != true
                || request.BodyAsJson() is not JsonObject message)
            {
                return false; // The server's own handling: challenges, initialize, notifications.
            }

            var tool = new JsonObject { ["name"] = ToolOf(token), ["inputSchema"] = new JsonObject { ["type"] = "object" } };
            var response = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = message["id"]?.DeepClone() };
            if (request.JsonRpcMethod == "tools/list")
            {
                response["result"] = new JsonObject { ["tools"] = new JsonArray(tool) };
            }
            else
            {
                response["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" };
            }

            await TestAuthorizationServer.WriteJsonAsync(context, StatusCodes.Status200OK, response);
            return true;
        };

    public static string ToolOf(string token) => "tool-of-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
}
