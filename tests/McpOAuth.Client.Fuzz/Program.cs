using McpOAuth.Client.Fuzz;

return FuzzProgram.Run(args);
