namespace McpOAuth.Client.Benchmarks.Scenarios;

/// <summary>Benchmark 2 as a checked scenario: several bursts of 1,000 requests, each on a freshly expired token.</summary>
internal static class BurstScenario
{
    public static async Task<List<BurstOutcome>> RunAsync(int bursts, int requests = 1000)
    {
        using BurstRig rig = await BurstRig.CreateAsync();
        var outcomes = new List<BurstOutcome>();
        for (int i = 0; i < bursts; i++)
        {
            rig.ExpireToken();
            outcomes.Add(await rig.FireAsync(requests));
        }

        return outcomes;
    }
}
