#!/usr/bin/python3
"""PyTorch twin of the platform's SFT training step, for bench/T1.Bench.Ml (mode `train`).

The same Qwen2-style decoder as src/T1.Ml/Model (RMSNorm, rotary positions, SwiGLU MLP, grouped-query
attention with q/k/v biases, tied embeddings, the same initialisation), the same step as
src/T1.Ml/Training/SftTrainer.cs (loss on response positions only, AdamW with weight decay on >=2-D
parameters, warmup + cosine learning rate, global-norm clipping), on the same batch shape.
Run with Debian's python3-torch (1.13, which has no fused scaled_dot_product_attention, so attention is
written out: QK^T, causal mask, softmax, V), e.g.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/py/sft_twin.py --layers 4 --hidden 128 --heads 4 \
        --kv-heads 2 --intermediate 512 --vocab 512 --batch 16 --seq 128 --steps 20 --warmup 5 --threads 2

Prints one JSON line: tokens/s over the measured steps and the fp32 matmul FLOP/s of this process.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary_tables(positions, head_dim, theta):
    inv = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    freqs = torch.outer(torch.arange(positions, dtype=torch.float32), inv)  # (P, D/2)
    emb = torch.cat([freqs, freqs], dim=-1)  # (P, D)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.kv, self.d = c.heads, c.kv_heads, c.hidden // c.heads
        self.q_proj = nn.Linear(c.hidden, c.heads * self.d, bias=True)
        self.k_proj = nn.Linear(c.hidden, c.kv_heads * self.d, bias=True)
        self.v_proj = nn.Linear(c.hidden, c.kv_heads * self.d, bias=True)
        self.o_proj = nn.Linear(c.heads * self.d, c.hidden, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.h, self.d).transpose(1, 2)  # (B, H, T, D)
        k = self.k_proj(x).view(B, T, self.kv, self.d).transpose(1, 2)  # (B, KV, T, D)
        v = self.v_proj(x).view(B, T, self.kv, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if self.kv != self.h:
            k = k.repeat_interleave(self.h // self.kv, dim=1)
            v = v.repeat_interleave(self.h // self.kv, dim=1)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.d)  # (B, H, T, T)
        att = att.masked_fill(mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, self.h * self.d)
        return self.o_proj(y)


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.up_proj = nn.Linear(c.hidden, c.intermediate, bias=False)
        self.down_proj = nn.Linear(c.intermediate, c.hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RmsNorm(c.hidden, 1e-6)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RmsNorm(c.hidden, 1e-6)
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class DecoderLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab, c.hidden)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.layers)])
        self.norm = RmsNorm(c.hidden, 1e-6)
        cos, sin = rotary_tables(c.seq, c.hidden // c.heads, 10000.0)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        residual = 0.02 / math.sqrt(2 * c.layers)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, 0.0, residual if name.endswith(("o_proj.weight", "down_proj.weight")) else 0.02)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)

    def forward(self, ids):
        T = ids.shape[1]
        cos, sin = self.cos[:T], self.sin[:T]
        mask = torch.ones(T, T, dtype=torch.bool).triu(1)  # True = may not attend
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return F.linear(self.norm(x), self.embed_tokens.weight)  # tied output projection


def warmup_cosine(step, warmup, total, peak, min_ratio=0.1):
    if step <= warmup:
        return peak * step / warmup
    floor = peak * min_ratio
    progress = (step - warmup) / max(1, total - warmup)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(progress, 1.0)))


def matmul_flops(n=1024, repeats=20):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n ** 3 * repeats / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    for name, default in [("layers", 4), ("hidden", 128), ("heads", 4), ("kv-heads", 2), ("intermediate", 512),
                          ("vocab", 512), ("batch", 16), ("seq", 128), ("steps", 20), ("warmup", 5), ("threads", 2), ("seed", 0)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--lr", type=float, default=2e-3)
    c = p.parse_args()
    torch.set_num_threads(c.threads)
    torch.manual_seed(c.seed)
    model = DecoderLM(c)
    decay = [q for q in model.parameters() if q.dim() >= 2]
    no_decay = [q for q in model.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=c.lr, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(c.seed)
    ids = torch.randint(0, c.vocab, (c.batch, c.seq + 1), generator=g)
    inputs, targets = ids[:, :-1], ids[:, 1:]
    mask = torch.zeros(c.batch, c.seq)
    mask[:, c.seq // 4:] = 1.0  # the first quarter is "prompt": no loss
    total = c.warmup + c.steps
    losses, start = [], None
    for step in range(1, total + 1):
        if step == c.warmup + 1:
            start = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = warmup_cosine(step, c.warmup, total, c.lr)
        opt.zero_grad(set_to_none=True)
        logits = model(inputs)
        nll = F.cross_entropy(logits.reshape(-1, c.vocab), targets.reshape(-1), reduction="none")
        loss = (nll * mask.reshape(-1)).sum() / mask.sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "params": sum(q.numel() for q in model.parameters()),
        "tokens_per_s": c.batch * c.seq * c.steps / elapsed, "step_ms": 1000 * elapsed / c.steps,
        "first_loss": losses[0], "last_loss": losses[-1], "matmul_flops": matmul_flops(),
    }))


if __name__ == "__main__":
    main()
