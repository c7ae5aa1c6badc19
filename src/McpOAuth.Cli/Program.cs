using System.Runtime.InteropServices;
using McpOAuth.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the running command, which then ends with its own message and exit code. A signal
// registration, unlike Console.CancelKeyPress, does not initialize the terminal: it costs nothing at start-up.
using var cancel = new CancellationTokenSource();
using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await CliApp.RunAsync(args, CliConsole.System(), cancel.Token);

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
