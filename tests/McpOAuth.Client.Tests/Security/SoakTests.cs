namespace McpOAuth.Client.Tests.Security;

/// <summary>Tests that measure the whole process (heap, open descriptors) run alone, after every parallel test.</summary>
[CollectionDefinition(nameof(SoakTests), DisableParallelization = true)]
public sealed class SoakTests;
