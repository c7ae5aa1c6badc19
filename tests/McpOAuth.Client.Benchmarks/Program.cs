return await BenchmarkProgram.RunAsync(args);
