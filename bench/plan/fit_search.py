# Which settings make each step of workflows/t1-qwen.yaml fit one device, by t1 plan (bench/RESULTS.md, "Memory plan").
# usage (repository root): python3 bench/plan/fit_search.py 1.5b -- prints the workflow's peaks, then per device (80, 141 GiB)
# the largest sft batch_size x max_len, rl max_new_tokens then micro_batch, and evaluate batch_size that fit.
import os, re, subprocess, sys, itertools
T1 = "src/T1.Cli/bin/Debug/net10.0/t1.dll"  # run from the repository root after dotnet build
base = open(os.environ.get("T1_PLAN_WORKFLOW", "workflows/t1-qwen.yaml")).read()
def sub(text, step, key, value):
    # replace `key: value` inside the block of step `step`
    start = text.index(f"  - id: {step}\n"); end = text.find("\n  - id:", start + 5); end = len(text) if end < 0 else end
    block = re.sub(rf"(\n      {key}: ).*", rf"\g<1>{value}", text[start:end], count=1)
    return text[:start] + block + text[end:]
GiB = 1 << 30
_cache = {}
def peaks(text, model):
    if (text, model) in _cache: return _cache[(text, model)]
    open("/tmp/t1-plan-search.yaml", "w").write(text)
    out = subprocess.run(["dotnet", T1, "plan", "/tmp/t1-plan-search.yaml", "--param", f"base=bench/plan/qwen2.5-{model}",
        "--param", "sft_data=/tmp/x.jsonl", "--param", "rl_prompts=/tmp/y.jsonl", "--device-memory", "1TiB"], capture_output=True, text=True).stdout
    res = {}; cur = None
    for line in out.splitlines():
        m = re.match(r"^  (\S+)?\s+(load|train|rollout|score|update|generate)\s.*?([0-9.]+) GiB\s+(yes|no) \(", line)
        if m:
            if m.group(1): cur = m.group(1)
            res[cur] = float(m.group(3))
        else:
            m2 = re.match(r"^  (\S+)\s+(load|train|rollout|score|update|generate)\s", line)
            if m2: cur = m2.group(1)
    _cache[(text, model)] = res
    return res
model = sys.argv[1]
paper = peaks(base, model)
print(model, "paper", paper, flush=True)
for dev in (80, 141):
    fits = {}
    for b, l in sorted(itertools.product([8, 4, 2, 1], [4096, 2048, 1024]), key=lambda x: -x[0] * x[1]):
        p = peaks(sub(sub(base, "sft", "batch_size", b), "sft", "max_len", l), model)["sft"]
        if p <= dev: fits["sft"] = f"batch_size {b}, max_len {l}: {p} GiB"; break
    for n, mb in sorted(itertools.product([10240, 8192, 4096, 2048, 1024, 512], [8, 4, 2, 1]), key=lambda x: (-x[0], -x[1])):
        p = peaks(sub(sub(base, "rl", "max_new_tokens", n), "rl", "micro_batch", mb), model)["rl"]
        if p <= dev: fits["rl"] = f"max_new_tokens {n}, micro_batch {mb}: {p} GiB"; break
    for eb in [64, 32, 16, 8, 4, 2, 1]:
        t = sub(base, "eval-sft", "samples", "4\n      batch_size: %d" % eb)
        p = peaks(t, model)["eval-sft"]
        if p <= dev: fits["eval"] = f"batch_size {eb}: {p} GiB"; break
    print(model, dev, fits, flush=True)
