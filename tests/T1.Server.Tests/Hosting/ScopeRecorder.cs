using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace T1.Server.Tests.Hosting;

/// <summary>Keeps every log message with the values of the scopes it was written in (RunId, StepId, …).</summary>
public sealed class ScopeRecorder : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public sealed record Entry(string Category, string Message, IReadOnlyDictionary<string, object?> Scope);

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Recorder(ScopeRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((s, values) =>
            {
                if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (k, v) in pairs) values[k] = v;
            }, scope);
            owner._entries.Enqueue(new Entry(category, formatter(state, exception), scope));
        }
    }
}
