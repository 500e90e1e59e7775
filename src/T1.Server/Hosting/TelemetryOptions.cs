namespace T1.Server.Hosting;

/// <summary>
/// OpenTelemetry export (section <c>T1:Telemetry</c>). Metrics of every <c>T1.*</c> meter are always served as
/// Prometheus text at <c>/metrics</c> by `t1 serve`; with <see cref="OtlpEndpoint"/> set, every process
/// (server, worker, embedded `t1 run`) also records traces and sends traces, metrics and logs there.
/// </summary>
public sealed class TelemetryOptions
{
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    /// <summary>The OTLP receiver (an OpenTelemetry Collector, Jaeger, Tempo, …), e.g. <c>http://collector:4318</c>; empty: no export, no traces.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>http/protobuf</c> (port 4318; <c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c> are appended) or <c>grpc</c> (port 4317).</summary>
    public string OtlpProtocol { get; set; } = HttpProtobuf;

    /// <summary>Headers sent with every export, <c>key=value,key2=value2</c> (an API key of a hosted backend).</summary>
    public string OtlpHeaders { get; set; } = "";

    /// <summary>The resource's <c>service.name</c>; each process adds <c>service.instance.id</c> = its worker name (host:pid).</summary>
    public string ServiceName { get; set; } = "t1";

    /// <summary>How often metrics are pushed to the OTLP endpoint.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(30);
}
