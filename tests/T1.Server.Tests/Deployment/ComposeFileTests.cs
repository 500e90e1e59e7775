using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Npgsql;
using T1.Server.Hosting;
using T1.Storage.Artifacts;
using YamlDotNet.RepresentationModel;

namespace T1.Server.Tests.Deployment;

/// <summary>
/// docker-compose.yml and deploy/ checked without a Docker engine: every T1__ variable lands on a real
/// setting, the services and the GPU reservation are there, server and workers share one database and
/// one artifact store, and Compose itself (/usr/bin/docker-compose, which scripts/test.sh installs) accepts the file.
/// </summary>
public class ComposeFileTests
{
    private static readonly string Root = TestEnvironment.RepoRoot;
    private static readonly string ComposePath = Path.Combine(Root, "docker-compose.yml");
    private static readonly string EnvExamplePath = Path.Combine(Root, "deploy", ".env.example");
    private static readonly string[] T1ServiceNames = ["server", "worker-cpu", "worker-gpu"];
    private static readonly string[] RequiredSecrets = ["POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"];

    private static ComposeFile Compose => ComposeFile.Load(ComposePath);

    private static Dictionary<string, string> SampleVariables => ComposeFile.ReadEnvFile(EnvExamplePath);

    /// <summary>The service's environment as the container sees it with deploy/.env.example's values.</summary>
    private static Dictionary<string, string> ContainerEnvironment(ComposeFile compose, string service) =>
        compose.Environment(service).ToDictionary(kv => kv.Key, kv => ComposeFile.Interpolate(kv.Value, SampleVariables));

    /// <summary>Environment variables → configuration, the way AddEnvironmentVariables maps them (__ is :).</summary>
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string> environment) => new ConfigurationBuilder()
        .AddInMemoryCollection(environment.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
        .Build();

    [Fact]
    public void EveryT1Variable_MapsOntoASettableOptionsProperty()
    {
        var compose = Compose;
        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var service in compose.ServiceNames)
        {
            var environment = ContainerEnvironment(compose, service);
            foreach (var name in environment.Keys.Where(k => k.StartsWith("T1_", StringComparison.OrdinalIgnoreCase) && k.Contains("__", StringComparison.Ordinal)))
                if (!name.StartsWith(T1Options.Section + "__", StringComparison.Ordinal))
                    problems.Add($"service '{service}': {name} does not start with {T1Options.Section}__, so T1 never reads it");

            var configuration = Configuration(environment);
            foreach (var (key, value) in configuration.GetSection(T1Options.Section).AsEnumerable().Where(kv => kv.Value is not null))
            {
                checkedCount++;
                var variable = key.Replace(":", "__", StringComparison.Ordinal);
                if (ResolveSetting(key.Split(':').Skip(1).ToArray(), value!) is { } error)
                    problems.Add($"service '{service}': {variable}={value}: {error}");
            }

            // The real binder agrees: it throws on any key without a matching property.
            var bound = new T1Options();
            var bind = Record.Exception(() => configuration.GetSection(T1Options.Section).Bind(bound, o => o.ErrorOnUnknownConfiguration = true));
            if (bind is not null) problems.Add($"service '{service}': binding T1Options failed: {bind.Message}");
        }
        Assert.True(checkedCount >= 3 * 9, $"expected the T1 services to pass at least 27 T1__ variables, found {checkedCount}");
        Assert.True(problems.Count == 0, "docker-compose.yml passes settings T1 does not have:\n" + string.Join("\n", problems));
    }

    /// <summary>Walks T1Options along the key path; null when it ends on a public settable scalar that accepts the value.</summary>
    private static string? ResolveSetting(string[] path, string value)
    {
        var type = typeof(T1Options);
        var walked = T1Options.Section;
        for (var i = 0; i < path.Length; i++)
        {
            var segment = path[i];
            var element = ElementType(type);
            if (element is not null)
            {
                if (!int.TryParse(segment, out _)) return $"{walked} is a list; '{segment}' is not an index";
                type = element;
            }
            else
            {
                var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                    return $"{type.Name} has no property '{segment}' (it has: {string.Join(", ", type.GetProperties().Select(p => p.Name))})";
                if (property.SetMethod is not { IsPublic: true })
                    return $"{type.Name}.{property.Name} has no public setter";
                type = property.PropertyType;
            }
            walked += ":" + segment;
        }
        if (ElementType(type) is not null || !TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)))
            return $"{walked} is a {type.Name}, not a single value";
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return $"'{value}' is not a valid {type.Name}";
        }
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    [Fact]
    public void Services_AreAllThere_WithTheirCommandsHealthchecksAndVolumes()
    {
        var compose = Compose;
        Assert.Equal(["minio", "minio-init", "postgres", "server", "worker-cpu", "worker-gpu"], compose.ServiceNames.Order());

        Assert.Equal("postgres:15", Scalar(compose.At("postgres", "image")));
        Assert.NotNull(compose.At("postgres", "healthcheck.test"));
        Assert.Contains(Sequence(compose.At("postgres", "volumes")), v => v.EndsWith(":/var/lib/postgresql/data", StringComparison.Ordinal));
        Assert.Contains(Sequence(compose.At("minio", "volumes")), v => v.EndsWith(":/data", StringComparison.Ordinal));

        Assert.StartsWith("minio/mc", Scalar(compose.At("minio-init", "image")));
        var init = string.Join(" ", Sequence(compose.At("minio-init", "entrypoint")));
        Assert.Contains("mc mb --ignore-existing", init);
        Assert.Contains("http://minio:9000", init);

        Assert.Equal(["serve", "--urls", "http://0.0.0.0:8080", "--no-worker"], compose.Command("server"));
        Assert.Equal(["worker", "--queues", "cpu"], compose.Command("worker-cpu"));
        Assert.Equal(["worker", "--queues", "gpu"], compose.Command("worker-gpu"));
        foreach (var service in T1ServiceNames)
        {
            Assert.Equal("deploy/Dockerfile", Scalar(compose.At(service, "build.dockerfile")));
            Assert.Equal("service_healthy", Scalar(compose.At(service, "depends_on.postgres.condition")));
            Assert.Equal("service_completed_successfully", Scalar(compose.At(service, "depends_on.minio-init.condition")));
        }
        Assert.Equal("cpu", Scalar(compose.At("server", "build.args.T1_COMPUTE")));
        Assert.Equal("cpu", Scalar(compose.At("worker-cpu", "build.args.T1_COMPUTE")));
        Assert.Equal("cuda", Scalar(compose.At("worker-gpu", "build.args.T1_COMPUTE")));
    }

    [Fact]
    public void GpuWorker_ReservesOneNvidiaGpu_AndTheCpuWorkerNone()
    {
        var compose = Compose;
        var devices = Assert.IsType<YamlSequenceNode>(compose.At("worker-gpu", "deploy.resources.reservations.devices"));
        var device = Assert.IsType<YamlMappingNode>(Assert.Single(devices.Children));
        Assert.Equal("nvidia", Scalar(ComposeFile.Child(device, "driver")));
        Assert.Equal("1", Scalar(ComposeFile.Child(device, "count")));
        Assert.Equal(["gpu"], Sequence(ComposeFile.Child(device, "capabilities")));
        Assert.Null(compose.At("worker-cpu", "deploy.resources.reservations.devices"));
        Assert.Null(compose.At("server", "deploy.resources.reservations.devices"));
    }

    [Fact]
    public void ServerAndWorkers_ShareOneDatabaseAndArtifactStore_ThatComposeRuns()
    {
        var compose = Compose;
        static Dictionary<string, string> Shared(Dictionary<string, string> env) => env
            .Where(kv => kv.Key.StartsWith("T1__Database__", StringComparison.Ordinal) || kv.Key.StartsWith("T1__Artifacts__", StringComparison.Ordinal))
            .ToDictionary();
        var server = Shared(ContainerEnvironment(compose, "server"));
        foreach (var worker in T1ServiceNames.Skip(1))
        {
            var theirs = Shared(ContainerEnvironment(compose, worker));
            var differ = server.Keys.Union(theirs.Keys).Where(k => server.GetValueOrDefault(k) != theirs.GetValueOrDefault(k)).Order().ToList();
            Assert.True(differ.Count == 0, $"service '{worker}' does not share the server's database/artifact settings: {string.Join(", ", differ)}");
        }

        var options = new T1Options();
        Configuration(ContainerEnvironment(compose, "server")).GetSection(T1Options.Section).Bind(options);

        // The database is the compose `postgres` service, with the credentials that service is created with.
        Assert.True(options.Database.IsPostgres);
        var db = new NpgsqlConnectionStringBuilder(options.Database.ConnectionString);
        var postgres = ContainerEnvironment(compose, "postgres");
        Assert.Equal("postgres", db.Host);
        Assert.Equal(5432, db.Port);
        Assert.Equal(postgres["POSTGRES_DB"], db.Database);
        Assert.Equal(postgres["POSTGRES_USER"], db.Username);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], db.Password);

        // The artifact store is the compose `minio` service, in the bucket minio-init creates.
        Assert.Equal("s3", options.Artifacts.Provider);
        options.Artifacts.S3.Validate();
        using (Assert.IsType<S3ArtifactStore>(T1Services.CreateArtifactStore(options))) { }
        var minio = ContainerEnvironment(compose, "minio");
        Assert.Equal("minio:9000", options.Artifacts.S3.Endpoint);
        Assert.False(options.Artifacts.S3.UseSsl);
        Assert.Equal(minio["MINIO_ROOT_USER"], options.Artifacts.S3.AccessKey);
        Assert.Equal(minio["MINIO_ROOT_PASSWORD"], options.Artifacts.S3.SecretKey);
        Assert.Equal(ContainerEnvironment(compose, "minio-init")["T1_BUCKET"], options.Artifacts.S3.Bucket);
    }

    [Fact]
    public void RequiredSecrets_FailFastWhenUnset_AndTheSampleSetsThem()
    {
        var compose = Compose;
        var required = compose.ServiceNames.SelectMany(s => compose.Environment(s).Values).SelectMany(ComposeFile.RequiredVariables).ToHashSet();
        Assert.Equal(RequiredSecrets.Order(), required.Order());
        var sample = SampleVariables;
        foreach (var name in RequiredSecrets)
        {
            Assert.True(sample.TryGetValue(name, out var value) && value.Length > 0, $"deploy/.env.example does not set {name}");
            var without = sample.Where(kv => kv.Key != name).ToDictionary();
            var e = Assert.Throws<InvalidOperationException>(() => ComposeFile.Interpolate(compose.Environment("server").Values.First(v => v.Contains(name, StringComparison.Ordinal)), without));
            Assert.Contains(name, e.Message);
        }
    }

    [Fact]
    public void Dockerfile_PublishesTheCli_WithTheComputeSwitch_AndCopiesEveryProjectFile()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "deploy", "Dockerfile"));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile);
        Assert.Contains("RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile);
        Assert.Contains("dotnet publish src/T1.Cli -c Release", dockerfile);
        Assert.Contains("-p:T1Compute=${T1_COMPUTE}", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/t1.dll\"]", dockerfile);
        // The restore layer copies project files one by one: a new src project must be added there too.
        foreach (var project in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Root, project).Replace('\\', '/');
            Assert.True(dockerfile.Contains($"COPY {relative} ", StringComparison.Ordinal), $"deploy/Dockerfile does not copy {relative} before `dotnet restore`");
        }
    }

    [Fact]
    public void DockerComposeConfig_AcceptsTheSample_AndNamesAMissingSecret()
    {
        const string compose = "/usr/bin/docker-compose";
        Assert.True(File.Exists(compose),
            $"{compose} is missing, so Compose itself cannot check docker-compose.yml: install it (apt-get install docker-compose; scripts/test.sh does as root).");
        var (rc, text) = ComposeConfig(compose, EnvExamplePath);
        Assert.True(rc == 0, $"docker-compose config -q rejected docker-compose.yml with deploy/.env.example (exit {rc}):\n{text}");

        var scratch = Directory.CreateTempSubdirectory("t1-compose-");
        try
        {
            foreach (var name in RequiredSecrets)
            {
                var envFile = Path.Combine(scratch.FullName, $"without-{name}.env");
                File.WriteAllLines(envFile, File.ReadAllLines(EnvExamplePath).Where(l => !l.TrimStart().StartsWith(name + "=", StringComparison.Ordinal)));
                (rc, text) = ComposeConfig(compose, envFile);
                Assert.True(rc != 0, $"docker-compose config accepted the file without {name}");
                Assert.Contains(name, text);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Runs `docker-compose config -q` offline with only the given env file's variables.</summary>
    private static (int ExitCode, string Output) ComposeConfig(string compose, string envFile)
    {
        var start = new ProcessStartInfo(compose) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--env-file", envFile, "-f", ComposePath, "config", "-q" }) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("POSTGRES_", StringComparison.Ordinal) || k.StartsWith("MINIO_", StringComparison.Ordinal)
                     || k.StartsWith("T1_", StringComparison.Ordinal) || k.StartsWith("COMPOSE_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("docker-compose config did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Scalar(YamlNode? node) => Assert.IsType<YamlScalarNode>(node).Value ?? "";

    private static List<string> Sequence(YamlNode? node) =>
        Assert.IsType<YamlSequenceNode>(node).Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToList();
}
