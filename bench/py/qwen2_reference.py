#!/usr/bin/python3
"""Independent reference for the logits of a Hugging Face Qwen2 (or Llama) model folder.

Written from the semantics of Hugging Face transformers' models/qwen2/modeling_qwen2.py (eager attention)
and modeling_rope_utils.py, with only Debian's python3-torch (1.13) and the standard library: no
transformers, no safetensors package. It is the other side of tests/T1.Ml.Tests/Model/HfParityTests.cs,
which compares the platform's logits with these within 1e-4.

What it follows from Hugging Face, deliberately:
  - RMSNorm in float32: weight * (x * rsqrt(mean(x^2) + eps)).
  - Rotary: inv_freq = 1 / theta^(arange(0, D, 2) / D) in float32; angles = inv_freq x position_ids in
    float32; rotate-half layout; rope_scaling "linear" divides inv_freq by factor, "yarn" blends
    interpolated and extrapolated frequencies over a ramp and scales cos/sin by the attention factor.
  - position_ids of a (left-)padded batch: cumsum(attention_mask) - 1, pads set to 1 (as generate() does).
  - Attention: q/k/v projections (+ bias when the config has it), grouped-query heads shared by expanding
    K/V, scores * D^-0.5 plus an additive mask (dtype min where a key is in the future or padding),
    softmax in float32, o_proj without bias.
  - SwiGLU MLP, tied or untied output projection.

Usage:  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/py/qwen2_reference.py CASES.json
CASES.json is a list of {"model": folder, "inputs": inputs.json, "output": logits.safetensors};
inputs.json holds {"input_ids": [[...]], "attention_mask": [[...]]} (attention_mask optional: all ones).
Each output file holds one float32 tensor "logits" of shape (B, T, V).
"""
import json
import math
import os
import struct
import sys

import torch

torch.set_num_threads(1)

DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (None, 2), "F64": (torch.float64, 8)}


def read_safetensors(path):
    """name -> float32 tensor, for F32/F16/BF16/F64 files (BF16 widened by shifting its 16 bits into a float32)."""
    out = {}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        for name, e in header.items():
            if name == "__metadata__":
                continue
            dtype, size = DTYPES[e["dtype"]]
            begin, end = e["data_offsets"]
            f.seek(base + begin)
            raw = bytearray(f.read(end - begin))
            if e["dtype"] == "BF16":
                bits = torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) << 16
                t = bits.view(torch.float32)
            else:
                t = torch.frombuffer(raw, dtype=dtype).to(torch.float32)
            out[name] = t.reshape(e["shape"]).clone()
    return out


def load_weights(folder):
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        shards = sorted(set(json.load(f)["weight_map"].values()))
    weights = {}
    for shard in shards:
        weights.update(read_safetensors(os.path.join(folder, shard)))
    return weights


def rope_frequencies(cfg, head_dim):
    """(inv_freq float32 (D/2), attention_factor) as modeling_rope_utils computes them."""
    base = float(cfg.get("rope_theta", 10000.0))
    dim = head_dim
    exponents = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    scaling = cfg.get("rope_scaling")
    kind = None if scaling is None else scaling.get("rope_type", scaling.get("type"))
    if kind in (None, "default"):
        return 1.0 / (base ** exponents), 1.0
    factor = float(scaling["factor"])
    if kind == "linear":
        return (1.0 / (base ** exponents)) / factor, 1.0
    if kind != "yarn":
        raise SystemExit("rope_scaling type %r is not covered by this reference" % kind)
    original = scaling.get("original_max_position_embeddings") or cfg["max_position_embeddings"]
    attention_factor = scaling.get("attention_factor")
    mscale, mscale_all_dim = scaling.get("mscale"), scaling.get("mscale_all_dim")

    def get_mscale(scale, m=1.0):
        return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

    if attention_factor is None:
        if mscale and mscale_all_dim:
            attention_factor = get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim)
        else:
            attention_factor = get_mscale(factor)
    beta_fast = scaling.get("beta_fast") or 32
    beta_slow = scaling.get("beta_slow") or 1

    def correction_dim(rotations):
        return (dim * math.log(original / (rotations * 2 * math.pi))) / (2 * math.log(base))

    low, high = correction_dim(beta_fast), correction_dim(beta_slow)
    if scaling.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = ((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low)).clamp(0, 1)
    extrapolation_weight = 1 - ramp
    pos_freqs = base ** (torch.arange(0, dim, 2).float() / dim)
    inv_freq = (1.0 / (factor * pos_freqs)) * (1 - extrapolation_weight) + (1.0 / pos_freqs) * extrapolation_weight
    return inv_freq, float(attention_factor)


def rms_norm(x, weight, eps):
    h = x.to(torch.float32)
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return weight * h.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def linear(x, w, name, b=None):
    y = x @ w[name].t()
    return y if b is None else y + w[b]


def forward(cfg, w, input_ids, attention_mask):
    B, T = input_ids.shape
    H = cfg["num_attention_heads"]
    KV = cfg.get("num_key_value_heads", H)
    C = cfg["hidden_size"]
    D = C // H
    eps = cfg.get("rms_norm_eps", 1e-6)
    bias = cfg.get("attention_bias", cfg.get("model_type", "qwen2") == "qwen2")
    position_ids = attention_mask.long().cumsum(-1) - 1
    position_ids.masked_fill_(attention_mask == 0, 1)

    inv_freq, attention_factor = rope_frequencies(cfg, D)
    freqs = (inv_freq[None, :, None].float().expand(B, -1, 1) @ position_ids[:, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, D)
    cos = (emb.cos() * attention_factor)[:, None]  # (B, 1, T, D)
    sin = (emb.sin() * attention_factor)[:, None]

    allowed = torch.tril(torch.ones(T, T, dtype=torch.bool))[None, None] & attention_mask.bool()[:, None, None, :]
    additive = torch.zeros(B, 1, T, T).masked_fill(~allowed, torch.finfo(torch.float32).min)

    x = w["model.embed_tokens.weight"][input_ids]  # (B, T, C)
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w, p + "self_attn.q_proj.weight", p + "self_attn.q_proj.bias" if bias else None)
        k = linear(h, w, p + "self_attn.k_proj.weight", p + "self_attn.k_proj.bias" if bias else None)
        v = linear(h, w, p + "self_attn.v_proj.weight", p + "self_attn.v_proj.bias" if bias else None)
        q = q.view(B, T, H, D).transpose(1, 2)
        k = k.view(B, T, KV, D).transpose(1, 2)
        v = v.view(B, T, KV, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = H // KV
        k = k[:, :, None].expand(B, KV, groups, T, D).reshape(B, H, T, D)
        v = v[:, :, None].expand(B, KV, groups, T, D).reshape(B, H, T, D)
        scores = (q @ k.transpose(2, 3)) * D ** -0.5 + additive
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        attn = (probs @ v).transpose(1, 2).reshape(B, T, H * D)
        x = x + linear(attn, w, p + "self_attn.o_proj.weight")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, w, p + "mlp.gate_proj.weight")
        up = linear(h, w, p + "mlp.up_proj.weight")
        x = x + linear(torch.nn.functional.silu(gate) * up, w, p + "mlp.down_proj.weight")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.t()


def write_logits(path, logits):
    raw = logits.contiguous().numpy().astype("<f4").tobytes()
    header = json.dumps({"logits": {"dtype": "F32", "shape": list(logits.shape), "data_offsets": [0, len(raw)]}}).encode()
    header += b" " * ((8 - len(header) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)))
        f.write(header)
        f.write(raw)


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    for case in cases:
        with open(os.path.join(case["model"], "config.json")) as f:
            cfg = json.load(f)
        if cfg.get("model_type", "qwen2") not in ("qwen2", "llama"):
            raise SystemExit("model_type %r is not covered by this reference" % cfg.get("model_type"))
        weights = load_weights(case["model"])
        with open(case["inputs"]) as f:
            inputs = json.load(f)
        ids = torch.tensor(inputs["input_ids"], dtype=torch.int64)
        mask = torch.tensor(inputs.get("attention_mask") or [[1] * ids.shape[1]] * ids.shape[0], dtype=torch.int64)
        with torch.no_grad():
            logits = forward(cfg, weights, ids, mask)
        write_logits(case["output"], logits)
    print(json.dumps({"cases": len(cases), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
