using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace T1.Server.Hosting;

/// <summary>
/// Hangfire's log provider is process-wide and its loggers are bound once, to whichever host's
/// <see cref="ILoggerFactory"/> was current. When that host stops, its factory is disposed while
/// other hosts in the process (tests, an in-process worker beside a server) keep logging through it.
/// This bridge forwards to the host's factory and drops the line, instead of failing the caller
/// (e.g. a job being enqueued), once that factory is gone.
/// </summary>
internal sealed class HangfireLogBridge(ILoggerFactory factory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(factory);

    public ILog GetLogger(string name) => new BridgedLog(_inner, name);

    private sealed class BridgedLog(AspNetCoreLogProvider provider, string name) : ILog
    {
        private ILog? _log;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                _log ??= provider.GetLogger(name);
                return _log.Log(logLevel, messageFunc!, exception);
            }
            catch (ObjectDisposedException)
            {
                return false; // the host that owned the factory has stopped
            }
        }
    }
}
