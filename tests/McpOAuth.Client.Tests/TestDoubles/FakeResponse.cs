using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace McpOAuth.Client.Tests.TestDoubles;

/// <summary>A canned response; each use creates a fresh <see cref="HttpResponseMessage"/>.</summary>
public sealed class FakeResponse
{
    private readonly Func<HttpResponseMessage> _create;

    private FakeResponse(Func<HttpResponseMessage> create)
    {
        _create = create;
    }

    public static FakeResponse Status(HttpStatusCode status) => new(() => new HttpResponseMessage(status) { Content = new ByteArrayContent([]) });

    public static FakeResponse NotFound() => Status(HttpStatusCode.NotFound);

    public static FakeResponse Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        Text(json, "application/json", status);

    public static FakeResponse Json(JsonNode body, HttpStatusCode status = HttpStatusCode.OK) =>
        Json(body.ToJsonString(), status);

    public static FakeResponse Html(string html, HttpStatusCode status = HttpStatusCode.OK) => Text(html, "text/html", status);

    public static FakeResponse Text(string body, string? mediaType, HttpStatusCode status = HttpStatusCode.OK) =>
        new(() =>
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (mediaType is not null)
            {
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
            }

            return new HttpResponseMessage(status) { Content = content };
        });

    /// <summary>A JSON body of <paramref name="bytes"/> bytes; <paramref name="declareLength"/> controls Content-Length.</summary>
    public static FakeResponse Huge(long bytes, bool declareLength) =>
        new(() =>
        {
            HttpContent content = declareLength
                ? new ByteArrayContent(new byte[bytes])
                : new StreamContent(new EndlessStream(bytes));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });

    public static FakeResponse From(Func<HttpResponseMessage> create) => new(create);

    public HttpResponseMessage Create() => _create();
}
