namespace McpOAuth.Client.Keyring.Tests;

/// <summary>A test that needs the Linux Secret Service: skipped, and reported as skipped, on any other operating system
/// (instead of passing without having run).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SecretServiceFactAttribute : FactAttribute
{
    public SecretServiceFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "The Secret Service (gnome-keyring on a session bus) runs on Linux only.";
        }
    }
}
