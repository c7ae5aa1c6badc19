using System.Diagnostics;

namespace McpOAuth.Client.Keyring.Tests;

/// <summary>The StoreWriter child process with its <see cref="KeyringTokenStore"/> (<c>--keyring</c>).</summary>
internal static class KeyringWriter
{
    /// <summary>Runs the StoreWriter's keyring store with <paramref name="args"/> (a verb, <c>{store}</c>, a generation).</summary>
    public static Task<WriterResult> KeyringAsync(this SecretServiceSession session, params string[] args) =>
        session.WriterAsync(["--keyring", .. args]);

    /// <summary>The same, in an environment <paramref name="environment"/> changes (no session bus, for one).</summary>
    public static Task<WriterResult> KeyringAsync(this SecretServiceSession session, Action<ProcessStartInfo> environment, params string[] args) =>
        session.WriterAsync(["--keyring", .. args], environment);
}
