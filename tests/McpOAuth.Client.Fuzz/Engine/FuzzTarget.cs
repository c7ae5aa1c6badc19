namespace McpOAuth.Client.Fuzz.Engine;

/// <summary>One parser under fuzz: its seed corpus, its generators and the property every input must satisfy.</summary>
/// <remarks>The property is the same for every target: <see cref="Run"/> returns, or throws only the library's typed
/// <see cref="McpOAuthException"/> (which the target catches and checks); anything else, a hang or an allocation over
/// <see cref="AllocationBudget"/> is a finding.</remarks>
internal abstract class FuzzTarget : IDisposable
{
    /// <summary>Gets the name used on the command line and as the corpus folder.</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the target drives, printed by <c>--list</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Gets keywords of the format that the mutator splices into inputs.</summary>
    public virtual IReadOnlyList<string> Dictionary => [];

    /// <summary>Gets a generator of well-formed or nearly well-formed inputs, or null when corpus mutation covers it.</summary>
    public virtual Gen<byte[]>? Structured => null;

    /// <summary>Gets the longest input the mutator produces (the HTTP envelope's repeat header makes larger bodies).</summary>
    public virtual int MaxInputLength => 64 * 1024;

    /// <summary>Gets whether allocations are measured: false for targets whose work runs on other threads.</summary>
    public virtual bool MeasuresAllocation => true;

    /// <summary>The most one input may allocate on the calling thread.</summary>
    public virtual long AllocationBudget(byte[] input) => (1L << 20) + (32L * input.Length);

    /// <summary>Releases what the target holds (listeners, temporary directories) after its run.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>Runs one input; throws when a property is violated.</summary>
    public abstract void Run(byte[] input);
}
