namespace McpOAuth.Client.Fuzz.Targets;

/// <summary>Every parser that reads hostile input, in the order a sign-in meets them.</summary>
internal static class AllTargets
{
    public static IReadOnlyList<Func<FuzzTarget>> Create { get; } =
    [
        () => new WwwAuthenticateTarget(),
        () => new ResourceChallengeTarget(),
        () => new ProtectedResourceTarget(),
        () => new AuthorizationServerTarget(),
        () => new RegistrationResponseTarget(),
        () => new CallbackRequestTarget(),
        () => new CallbackPasteTarget(),
        () => new TokenResponseTarget(),
        () => new OAuthErrorTarget(),
        () => new DeviceAuthorizationTarget(),
        () => new IdJagTarget(),
        () => new DpopTarget(),
        () => new TokenRecordTarget(),
        () => new TokenFileTarget(),
        () => new UriPolicyTarget(),
    ];
}
