using System.ComponentModel;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// A protected MCP server: JWT bearer tokens from any OAuth 2.1 / OpenID Connect authority, RFC 9728 metadata, one tool.
//   dotnet run --project samples/McpOAuth.Samples.ProtectedServer -- --Auth:Authority=https://login.example.com/realms/mcp
// Settings (command line, appsettings.json or environment, e.g. AUTH__AUTHORITY):
//   Auth:Authority        the issuer whose JWT access tokens are accepted (required)
//   Auth:MetadataAddress  where its signing keys are described; default {Authority}/.well-known/openid-configuration.
//                         For an RFC 8414-only server, such as the demo's, use {Authority}/.well-known/oauth-authorization-server.
//   Mcp:Resource          this server's MCP endpoint as clients see it, the tokens' audience; default http://127.0.0.1:5080/mcp
// The authority must issue JWT access tokens whose aud is Mcp:Resource (RFC 8707 resource indicators, as MCP requires) and
// whose scope claim includes mcp:tools. Try it with the demo's authorization server: run `McpOAuth.Demo -- --serve`.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
string authority = builder.Configuration["Auth:Authority"]
    ?? throw new InvalidOperationException("Set Auth:Authority, e.g. --Auth:Authority=https://login.example.com");
string resource = builder.Configuration["Mcp:Resource"] ?? "http://127.0.0.1:5080/mcp";
if (builder.Configuration["urls"] is null)
{
    builder.WebHost.UseUrls(new Uri(resource).GetLeftPart(UriPartial.Authority));
}

builder.Services.AddAuthentication(o =>
    {
        o.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme;
        o.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme; // 401 with resource_metadata
    })
    .AddJwtBearer(o =>
    {
        o.Authority = authority;
        o.MetadataAddress = builder.Configuration["Auth:MetadataAddress"] ?? "";
        o.RequireHttpsMetadata = !new Uri(authority).IsLoopback;
        o.Audience = resource;
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = "sub";
        o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
    })
    .AddMcp(o => o.ResourceMetadata = new ProtectedResourceMetadata
    {
        Resource = resource,
        AuthorizationServers = [authority],
        ScopesSupported = ["mcp:tools"],
        ResourceName = "McpOAuth sample protected server",
    });
builder.Services.AddAuthorizationBuilder().AddPolicy("mcp:tools", policy => policy.RequireAuthenticatedUser()
    .RequireAssertion(c => c.User.FindFirst("scope")?.Value.Split(' ').Contains("mcp:tools") == true));
builder.Services.AddMcpServer().WithHttpTransport().WithTools([typeof(SampleTools)]);

WebApplication app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapMcp("/mcp").RequireAuthorization("mcp:tools");
app.Run();

[McpServerToolType]
internal static class SampleTools
{
    [McpServerTool(Name = "whoami", ReadOnly = true), Description("Says who the access token was issued to.")]
    public static string WhoAmI(RequestContext<CallToolRequestParams> request) => request.User is not { } user ? "anonymous" :
        $"subject {user.FindFirst("sub")?.Value}, client {user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value}, scopes [{user.FindFirst("scope")?.Value}]";
}
