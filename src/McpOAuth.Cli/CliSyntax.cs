using System.CommandLine;

namespace McpOAuth.Cli;

/// <summary>The command line of mcp-oauth, built with System.CommandLine: the commands, their flags, their checks, and
/// the binding of a parse result to <see cref="CliArguments"/>. It knows nothing about running a command.</summary>
internal sealed partial class CliSyntax
{
    private readonly Argument<Uri?> _server = new("server-url")
    {
        Arity = ArgumentArity.ExactlyOne,
        Description = "The MCP server endpoint (http or https URL).",
        CustomParser = ParseServerUri,
    };

    private readonly Argument<Uri?> _serverOrAll = new("server-url")
    {
        Arity = ArgumentArity.ZeroOrOne,
        Description = "The MCP server endpoint (http or https URL); or --all.",
        CustomParser = ParseServerUri,
    };

    private readonly Option<string[]> _scope = new("--scope")
    {
        HelpName = "S",
        Description = "A scope to request; repeat it, or give several separated by spaces.",
    };

    private readonly Option<string?> _clientId = new("--client-id") { HelpName = "ID", Description = "A pre-registered client id, used instead of registering a client." };

    private readonly Option<string?> _clientSecretEnv = new("--client-secret-env")
    {
        HelpName = "VAR",
        Description = "The environment variable that holds the client's secret. It is never stored: give it again to token and logout.",
    };

    private readonly Option<string?> _issuer = new("--issuer")
    {
        HelpName = "URL",
        Description = "The authorization server (issuer) that --client-id and its secret belong to; they are never sent to another.",
    };

    private readonly Option<int?> _callbackPort = new("--callback-port")
    {
        HelpName = "N",
        Description = "The loopback port of the redirect URI (default: any free port).",
        CustomParser = ParsePort,
    };

    private readonly Option<string?> _storeDir = new("--store-dir")
    {
        HelpName = "DIR",
        Description = "The token store (default: $MCP_OAUTH_STORE_DIR, else $XDG_CONFIG_HOME/mcp-oauth, else ~/.config/mcp-oauth).",
    };

    private readonly Option<string?> _store = new("--store")
    {
        HelpName = "file|keyring|redis://HOST[:PORT][/DB]",
        Description = "Where logins are kept (default: $MCP_OAUTH_STORE, else file): files under --store-dir, the OS keyring, or a Redis "
            + "server shared by several machines (password in $MCP_OAUTH_REDIS_PASSWORD; rediss:// for TLS).",
    };

    private readonly Option<bool> _json = new("--json") { Description = "Print JSON." };
    private readonly Option<bool> _all = new("--all") { Description = "Sign out of every stored login." };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Log each step on standard error." };
    private readonly Option<bool> _noBrowser = new("--no-browser") { Description = "Print the sign-in URL and accept the redirected URL pasted back." };
    private readonly Option<bool> _device = new("--device") { Description = "Sign in with RFC 8628 device authorization: approve on any device with a code." };
    private readonly Option<bool> _noResource = new("--no-resource") { Description = "Do not send the RFC 8707 resource parameter (for servers that reject it, such as Entra ID)." };

    private readonly Option<bool> _allowMissingPkceMetadata = new("--allow-missing-pkce-metadata")
    {
        Description = "Sign in even if the server does not advertise PKCE S256 (S256 is still used).",
    };

    private readonly Option<bool> _allowLegacyDiscovery = new("--allow-legacy-discovery")
    {
        Description = "Accept a 2025-03-26 MCP server that publishes no protected resource metadata: its origin is taken as the "
            + "authorization server (default /authorize, /token, /register; PKCE support is not verified).",
    };

    private readonly Option<string[]> _authParam = new("--auth-param")
    {
        HelpName = "NAME=VALUE",
        Description = "An extra authorization request parameter, such as audience=... (repeatable).",
    };

    public CliSyntax()
    {
        _authParam.Validators.Add(ValidateAuthParameters);
        _issuer.Validators.Add(ValidateIssuer);
        Root = new RootCommand("mcp-oauth: sign in to MCP servers that require OAuth, print tokens, show status and sign out.")
        {
            LoginCommand(),
            TokenCommand(),
            StatusCommand(),
            LogoutCommand(),
            ProxyCommand(),
        };
        Root.HelpName = "mcp-oauth"; // whatever runs it: the dotnet tool, dotnet mcp-oauth.dll, the AOT binary or a test host
        CliHelp.AddFooter(Root);
    }

    /// <summary>Gets the root command; each command's action is set by the caller.</summary>
    public RootCommand Root { get; }

    /// <summary>Parses the arguments; <c>@file</c> arguments are taken literally (no response files).</summary>
    public ParseResult Parse(IReadOnlyList<string> args) =>
        Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>The values of a parse result without errors.</summary>
    public CliArguments Bind(ParseResult result) => new()
    {
        Command = result.CommandResult.Command.Name,
        ServerUri = result.GetValue(_server) ?? result.GetValue(_serverOrAll),
        Scopes = [.. (result.GetValue(_scope) ?? []).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))],
        ClientId = result.GetValue(_clientId),
        ClientSecretEnv = result.GetValue(_clientSecretEnv),
        Issuer = result.GetValue(_issuer),
        CallbackPort = result.GetValue(_callbackPort),
        StoreDir = result.GetValue(_storeDir),
        Store = result.GetValue(_store),
        Json = result.GetValue(_json),
        All = result.GetValue(_all),
        Verbose = result.GetValue(_verbose),
        NoBrowser = result.GetValue(_noBrowser),
        Device = result.GetValue(_device),
        NoResource = result.GetValue(_noResource),
        AllowMissingPkceMetadata = result.GetValue(_allowMissingPkceMetadata),
        AllowLegacyDiscovery = result.GetValue(_allowLegacyDiscovery),
        AuthParameters = [.. (result.GetValue(_authParam) ?? []).Select(SplitAuthParameter)],
    };

    private Command LoginCommand()
    {
        var command = new Command("login", "Sign in (browser, --no-browser paste-back or --device) and store the tokens.")
        {
            _server, _scope, _clientId, _clientSecretEnv, _issuer, _callbackPort, _noBrowser, _device,
            _noResource, _allowMissingPkceMetadata, _allowLegacyDiscovery, _authParam, _storeDir, _store, _json, _verbose,
        };
        command.Validators.Add(result =>
        {
            RequireClientIdForIssuer(result);
            RejectTwoHeadlessSignIns(result);
        });
        return command;
    }

    private Command TokenCommand()
    {
        var command = new Command("token", "Print a valid access token, refreshing it if needed; never opens a browser.")
        {
            _server, _clientId, _clientSecretEnv, _issuer, _noResource, _allowLegacyDiscovery, _storeDir, _store, _verbose,
        };
        command.Validators.Add(RequireClientIdForIssuer);
        return command;
    }

    private Command ProxyCommand()
    {
        var command = new Command("proxy", "Serve MCP on stdio and relay it to the server, signing in on first need (prompts on standard error).")
        {
            _server, _scope, _clientId, _clientSecretEnv, _issuer, _callbackPort, _noBrowser, _device,
            _noResource, _allowMissingPkceMetadata, _allowLegacyDiscovery, _authParam, _storeDir, _store, _verbose,
        };
        command.Validators.Add(result =>
        {
            RequireClientIdForIssuer(result);
            RejectTwoHeadlessSignIns(result);
        });
        return command;
    }

    private Command StatusCommand() =>
        new("status", "List the stored logins, without secrets.") { _json, _storeDir, _store, _verbose };

    private Command LogoutCommand()
    {
        var command = new Command("logout", "Revoke at the server (RFC 7009) and delete locally.")
        {
            _serverOrAll, _all, _clientId, _clientSecretEnv, _issuer, _storeDir, _store, _verbose,
        };
        command.Validators.Add(result =>
        {
            bool all = result.GetValue(_all);
            bool server = result.GetResult(_serverOrAll) is { Tokens.Count: > 0 };
            if (all && server)
            {
                result.AddError("'logout' takes a server URL or --all, not both.");
            }
            else if (!all && !server)
            {
                result.AddError("'logout' needs a server URL or --all.");
            }

            RequireClientIdForIssuer(result);
        });
        return command;
    }
}
