using System.Text.Json;

namespace McpOAuth.Client.ConformanceClient;

/// <summary>The scenario context the suite passes in MCP_CONFORMANCE_CONTEXT (only some scenarios have one).</summary>
internal sealed class ScenarioContext
{
    private readonly Dictionary<string, string> _values;

    private ScenarioContext(Dictionary<string, string> values) => _values = values;

    public string? this[string key] => _values.TryGetValue(key, out string? value) ? value : null;

    public static ScenarioContext Parse(string? json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(json))
        {
            using JsonDocument document = JsonDocument.Parse(json);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    values[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return new ScenarioContext(values);
    }
}
