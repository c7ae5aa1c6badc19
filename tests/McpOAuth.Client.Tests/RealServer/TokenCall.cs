using System.Net;

namespace McpOAuth.Client.Tests.RealServer;

/// <summary>One token endpoint call the library made: its grant, its form fields and the server's answer.</summary>
internal sealed record TokenCall(string? GrantType, IReadOnlyDictionary<string, string> Form, HttpStatusCode Status, string ResponseBody);
