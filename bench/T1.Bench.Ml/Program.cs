using T1.Bench.Ml;

// ML benchmarks of issue 3 (bench/RESULTS.md, "ML core"). Not part of the test suite.
//   quality  synthesize + sft on a preset, then held-out greedy accuracy (the quality target)
//   train    SFT tokens/s of the platform vs the PyTorch twin (bench/py), MFU against measured fp32 matmul FLOP/s
//   sampler  sampler tokens/s at several batch sizes, with and without the KV cache
//   parity   logits of a Hugging Face folder against bench/py/qwen2_reference.py (PyTorch)
//   hf-folder  a Hugging Face Qwen2 folder with random weights of a config.json's shape and a Qwen2-family tokenizer
//   memory   peak resident memory of one training step against t1 plan's formulas
// Usage: dotnet run -c Release --project bench/T1.Bench.Ml -- <mode> [--option value ...]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: t1-bench-ml quality|train|sampler|hf-folder|parity|memory [--option value ...] (see bench/RESULTS.md)");
    return args.Length == 0 ? 2 : 0;
}
var rest = new Args(args.Skip(1));
try
{
    return args[0] switch
    {
        "quality" => await QualityRun.RunAsync(rest),
        "train" => await TrainThroughput.RunAsync(rest),
        "sampler" => await SamplerThroughput.RunAsync(rest),
        "hf-folder" => await HfFolder.RunAsync(rest),
        "parity" => await HfParity.RunAsync(rest),
        "memory" => await MemoryCheck.RunAsync(rest),
        _ => throw new ArgumentException($"unknown mode '{args[0]}'; use quality, train, sampler, hf-folder, parity or memory"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"t1-bench-ml: {e.Message}");
    return 2;
}
