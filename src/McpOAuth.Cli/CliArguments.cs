namespace McpOAuth.Cli;

/// <summary>The parsed command line; parsing errors become <see cref="UsageException"/>.</summary>
internal sealed class CliArguments
{
    public string Command { get; private set; } = string.Empty;

    public Uri? ServerUri { get; private set; }

    public List<string> Scopes { get; } = [];

    public string? ClientId { get; private set; }

    public string? ClientSecretEnv { get; private set; }

    public int? CallbackPort { get; private set; }

    public string? StoreDir { get; private set; }

    public bool Json { get; private set; }

    public bool All { get; private set; }

    public bool Verbose { get; private set; }

    public bool NoBrowser { get; private set; }

    public bool Device { get; private set; }

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var result = new CliArguments();
        if (args.Count == 0)
        {
            throw new UsageException("a command is required.");
        }

        result.Command = args[0];
        if (result.Command is not ("login" or "token" or "status" or "logout"))
        {
            throw new UsageException($"unknown command '{args[0]}'.");
        }

        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--scope":
                    result.Scopes.AddRange(Value(args, ref i, arg).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "--client-id":
                    result.ClientId = Value(args, ref i, arg);
                    break;
                case "--client-secret-env":
                    result.ClientSecretEnv = Value(args, ref i, arg);
                    break;
                case "--callback-port":
                    string port = Value(args, ref i, arg);
                    result.CallbackPort = int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535
                        ? p
                        : throw new UsageException("--callback-port takes a port number from 1 to 65535.");
                    break;
                case "--store-dir":
                    result.StoreDir = Value(args, ref i, arg);
                    break;
                case "--json":
                    result.Json = true;
                    break;
                case "--all":
                    result.All = true;
                    break;
                case "--verbose":
                    result.Verbose = true;
                    break;
                case "--no-browser":
                    result.NoBrowser = true;
                    break;
                case "--device":
                    result.Device = true;
                    break;
                default:
                    if (arg.StartsWith('-'))
                    {
                        throw new UsageException($"unknown option '{arg}'.");
                    }

                    if (result.ServerUri is not null)
                    {
                        throw new UsageException($"unexpected argument '{arg}'.");
                    }

                    result.ServerUri = Uri.TryCreate(arg, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                        ? uri
                        : throw new UsageException($"'{arg}' is not an http or https URL.");
                    break;
            }
        }

        bool needsServer = result.Command is "login" or "token" || (result.Command == "logout" && !result.All);
        if (needsServer && result.ServerUri is null)
        {
            throw new UsageException($"'{result.Command}' needs a server URL{(result.Command == "logout" ? " or --all" : string.Empty)}.");
        }

        if (result.Device && result.NoBrowser)
        {
            throw new UsageException("--device and --no-browser are two different headless sign-ins; choose one.");
        }

        if (result.Command == "logout" && result.All && result.ServerUri is not null)
        {
            throw new UsageException("'logout' takes a server URL or --all, not both.");
        }

        return result;
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"{name} needs a value.");
        }

        return args[++i];
    }
}
