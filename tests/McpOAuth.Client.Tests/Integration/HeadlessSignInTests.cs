using System.Net;

namespace McpOAuth.Client.Tests.Integration;

/// <summary>Sign-ins where the browser cannot reach this machine: the pasted redirect URL, and RFC 8628 device authorization.</summary>
public sealed class HeadlessSignInTests : ServerPairTest
{
    [Fact]
    public async Task TrySubmitRedirectedUrl_PastedRedirect_CompletesSignInWithStateAndIssChecked()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var harness = CreatePastingClient(out Task<BrowserLaunchContext> launched);
        (Task<HttpResponseMessage> call, BrowserLaunchContext context, Uri redirected) = await AuthorizeWithoutListenerAsync(harness, launched, mcpServer);
        string forged = redirected.AbsoluteUri.Replace("state=", "state=x", StringComparison.Ordinal);

        bool forgedAccepted = context.TrySubmitRedirectedUrl(forged);
        bool otherAccepted = context.TrySubmitRedirectedUrl("https://example.com/callback?code=a&state=b");
        bool accepted = context.TrySubmitRedirectedUrl("  " + redirected.AbsoluteUri + "\n");
        using HttpResponseMessage response = await call.WaitAsync(McpClientHarness.HangGuard);

        using (new FluentAssertions.Execution.AssertionScope())
        {
            forgedAccepted.Should().BeFalse("a wrong state is not this sign-in's response (CB-03)");
            otherAccepted.Should().BeFalse("another address is not the redirect URI");
            accepted.Should().BeTrue();
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            authorizationServer.TokenRequestCount("authorization_code").Should().Be(1);
        }
    }

    [Fact]
    public async Task TrySubmitRedirectedUrl_PastedRedirectFromAnotherIssuer_EndsSignInWithIssuerMismatch()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.IssInRedirect = IssRedirectMode.Custom;
            o.IssInRedirectValue = "https://evil.example.com";
        });
        using var harness = CreatePastingClient(out Task<BrowserLaunchContext> launched);
        (Task<HttpResponseMessage> call, BrowserLaunchContext context, Uri redirected) = await AuthorizeWithoutListenerAsync(harness, launched, mcpServer);
        context.TrySubmitRedirectedUrl(redirected.AbsoluteUri).Should().BeTrue("the response ends the sign-in, with an error");

        var act = () => call.WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.IssuerParameterMismatch);
        authorizationServer.TokenRequestCount("authorization_code").Should().Be(0, "AUTH-37: no code reaches a token endpoint after an iss mismatch");
    }

    [Fact]
    public async Task SendAsync_DeviceAuthorization_ShowsCodePollsUntilApprovedAndSendsResource()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
        });
        int polls = 0;
        authorizationServer.Options.OnTokenRequest = context =>
        {
            // The user approves while the client is already polling: the first poll is answered authorization_pending.
            if (Interlocked.Increment(ref polls) == 2)
            {
                authorizationServer.ApproveDevice(authorizationServer.IssuedUserCodes[0]);
            }

            return Task.FromResult(false);
        };
        var shown = new TaskCompletionSource<DeviceAuthorizationContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var harness = McpClientHarness.Create(o =>
        {
            o.UseDeviceAuthorization = true;
            o.ShowDeviceCode = (context, _) =>
            {
                shown.SetResult(context);
                return ValueTask.CompletedTask;
            };
        });

        using HttpResponseMessage response = await harness.CallAsync(mcpServer.McpUri, "tools/list").WaitAsync(McpClientHarness.HangGuard);
        DeviceAuthorizationContext device = await shown.Task;

        using (new FluentAssertions.Execution.AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            device.UserCode.Should().Be(authorizationServer.IssuedUserCodes[0]);
            device.VerificationUri.AbsoluteUri.Should().StartWith(authorizationServer.Issuer);
            harness.Browser.LaunchCount.Should().Be(0, "no browser and no loopback listener in a device sign-in");
            authorizationServer.AuthorizeRequestCount.Should().Be(0);
            authorizationServer.TokenRequestCount("urn:ietf:params:oauth:grant-type:device_code").Should().Be(2);
            RecordedRequest deviceRequest = authorizationServer.RequestsTo(new Uri(authorizationServer.DeviceAuthorizationEndpoint.AbsoluteUri).AbsolutePath).Should().ContainSingle().Subject;
            deviceRequest.FormValue("resource").Should().Be(mcpServer.Resource, "AUTH-34: the resource goes on every request");
            authorizationServer.RegistrationRequests.Should().ContainSingle()
                .Which.Body.Should().Contain("urn:ietf:params:oauth:grant-type:device_code");
        }
    }

    [Fact]
    public async Task SendAsync_DeviceAuthorizationSlowDown_WidensPollingIntervalByFiveSeconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var (authorizationServer, mcpServer) = await StartServersAsync(time, o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(5);
            o.DeviceSlowDownPolls = 1;
        });
        var pollTimes = new List<DateTimeOffset>();
        authorizationServer.Options.OnTokenRequest = _ =>
        {
            lock (pollTimes)
            {
                pollTimes.Add(time.GetUtcNow());
                if (pollTimes.Count == 2)
                {
                    authorizationServer.ApproveDevice(authorizationServer.IssuedUserCodes[0]);
                }
            }

            return Task.FromResult(false);
        };
        using var harness = McpClientHarness.Create(
            o =>
            {
                o.UseDeviceAuthorization = true;
                o.ShowDeviceCode = (_, _) => ValueTask.CompletedTask;
            },
            timeProvider: time);

        Task<HttpResponseMessage> call = harness.CallAsync(mcpServer.McpUri, "tools/list");
        for (int step = 0; step < 200 && !call.IsCompleted; step++)
        {
            // Fake time moves one second per step; the short real pause lets the client reach its next Task.Delay.
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        using HttpResponseMessage response = await call.WaitAsync(McpClientHarness.HangGuard);
        DateTimeOffset start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        using (new FluentAssertions.Execution.AssertionScope())
        {
            response.Should().HaveStatusCode(HttpStatusCode.OK);
            pollTimes.Should().HaveCount(2);
            (pollTimes[0] - start).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5), "the first poll waits the server's interval");
            (pollTimes[1] - pollTimes[0]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10), "RFC 8628 §3.5: slow_down adds 5 seconds");
        }
    }

    [Fact]
    public async Task SendAsync_DeviceAuthorizationDenied_ThrowsAuthorizationDenied()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
        });
        using var harness = McpClientHarness.Create(o =>
        {
            o.UseDeviceAuthorization = true;
            o.ShowDeviceCode = (context, _) =>
            {
                authorizationServer.DenyDevice(context.UserCode);
                return ValueTask.CompletedTask;
            };
        });

        var act = () => harness.CallAsync(mcpServer.McpUri, "tools/list").WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.AuthorizationDenied);
        mcpServer.McpRequests.Should().OnlyContain(r => r.BearerToken == null, "no token was ever issued");
    }

    [Fact]
    public async Task SendAsync_DeviceCodeExpires_ThrowsTimeout()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync(o =>
        {
            o.DeviceAuthorizationEnabled = true;
            o.DeviceInterval = TimeSpan.FromSeconds(1);
            o.DeviceCodeLifetime = TimeSpan.FromSeconds(2);
        });
        using var harness = McpClientHarness.Create(o =>
        {
            o.UseDeviceAuthorization = true;
            o.ShowDeviceCode = (_, _) => ValueTask.CompletedTask;
        });

        var act = () => harness.CallAsync(mcpServer.McpUri, "tools/list").WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthAuthorizationException>()).Which.Code.Should().Be(McpOAuthErrorCode.Timeout);
    }

    [Fact]
    public async Task SendAsync_DeviceAuthorizationNotAdvertised_ThrowsDeviceAuthorizationUnsupported()
    {
        var (authorizationServer, mcpServer) = await StartServersAsync();
        using var harness = McpClientHarness.Create(o =>
        {
            o.UseDeviceAuthorization = true;
            o.ShowDeviceCode = (_, _) => ValueTask.CompletedTask;
        });

        var act = () => harness.CallAsync(mcpServer.McpUri, "tools/list").WaitAsync(McpClientHarness.HangGuard);

        (await act.Should().ThrowAsync<McpOAuthException>()).Which.Code.Should().Be(McpOAuthErrorCode.DeviceAuthorizationUnsupported);
        authorizationServer.RegistrationCount.Should().Be(0);
    }

    /// <summary>A client whose browser launcher only hands over the sign-in's context, so the authorization response never
    /// reaches the loopback listener unless the test pastes it.</summary>
    private static McpClientHarness CreatePastingClient(out Task<BrowserLaunchContext> launched)
    {
        var launch = new TaskCompletionSource<BrowserLaunchContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        launched = launch.Task;
        return McpClientHarness.Create(o => o.LaunchBrowser = (context, _) =>
        {
            launch.SetResult(context);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Starts a call, waits for its sign-in to launch, and plays the user at the authorization server: returns the
    /// call still waiting, the launch context, and the redirect the user would paste.</summary>
    private static async Task<(Task<HttpResponseMessage> Call, BrowserLaunchContext Context, Uri Redirected)> AuthorizeWithoutListenerAsync(
        McpClientHarness harness, Task<BrowserLaunchContext> launched, TestMcpServer mcpServer)
    {
        Task<HttpResponseMessage> call = harness.CallAsync(mcpServer.McpUri, "tools/list");
        BrowserLaunchContext context = await launched.WaitAsync(McpClientHarness.HangGuard);
        using var browser = new ScriptedBrowser(ScriptedBrowserMode.CaptureOnly);
        return (call, context, await browser.AuthorizeAsync(context.AuthorizationUri));
    }
}
