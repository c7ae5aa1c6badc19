using McpOAuth.Client.Benchmarks.Running;

return await BenchmarkProgram.RunAsync(args);
