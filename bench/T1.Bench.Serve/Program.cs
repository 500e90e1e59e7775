using T1.Bench.Ml;
using T1.Bench.Serve;

// Serving benchmarks of issue 14 (bench/RESULTS.md, "Serving"). Not part of the test suite.
//   load    16 concurrent streaming requests vs one at a time against `t1 serve --models-only` in this process:
//           total tokens/s, time to first token p50/p99
//   decode  batch-1 decode tokens/s of a preset (Sampler and the serving engine) against its compute limit
// Both take --model PRESET (default tiny) or --config HF_CONFIG.json [--dtype fp32|bf16]: that shape with random weights.
// Usage: dotnet run -c Release --project bench/T1.Bench.Serve -- <mode> [--option value ...]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: t1-bench-serve load|decode [--option value ...] (see bench/RESULTS.md)");
    return args.Length == 0 ? 2 : 0;
}
var rest = new Args(args.Skip(1));
try
{
    return args[0] switch
    {
        "load" => await ServeLoad.RunAsync(rest),
        "decode" => DecodeSpeed.Run(rest),
        _ => throw new ArgumentException($"unknown mode '{args[0]}'; use load or decode"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"t1-bench-serve: {e.Message}");
    return 2;
}
