#!/usr/bin/env python3
"""An SVG chart of mean response length (tokens) and training-rollout accuracy per RL step (issue 11).

usage: python3 bench/rl/length_chart.py OUT.svg LABEL=DATA_DIR [LABEL=DATA_DIR ...] [--window N]

Reads every rl step run's metrics from DATA_DIR/t1.db (the embedded database; the last rl step run of each
folder), smooths them with a trailing mean over N steps (default 10) and draws one line per folder: response
length on the left panel, accuracy on the right. Written without a plotting library, as plain SVG.
"""
import sqlite3
import sys

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def series(folder, key):
    db = sqlite3.connect(f"file:{folder}/t1.db?mode=ro", uri=True)
    run = db.execute("select max(StepRunId) from metrics where Key='mean_response_len'").fetchone()[0]
    return sorted((s, v) for s, v in db.execute("select Step, Value from metrics where StepRunId=? and Key=?", (run, key)) if v is not None)


def smooth(points, window):
    out = []
    for i in range(len(points)):
        w = points[max(0, i - window + 1):i + 1]
        out.append((points[i][0], sum(v for _, v in w) / len(w)))
    return out


def panel(x0, title, lines, ymin, ymax, steps, fmt):
    w, h, pad = 420, 260, 40
    sx = lambda s: x0 + pad + (s - 1) / max(1, steps - 1) * (w - 2 * pad)
    sy = lambda v: 30 + (1 - (v - ymin) / (ymax - ymin)) * (h - 60)
    parts = [f'<text x="{x0 + w / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
             f'<line x1="{x0 + pad}" y1="{h - 30}" x2="{x0 + w - pad}" y2="{h - 30}" stroke="#888"/>',
             f'<line x1="{x0 + pad}" y1="30" x2="{x0 + pad}" y2="{h - 30}" stroke="#888"/>']
    for k in range(5):
        v = ymin + (ymax - ymin) * k / 4
        parts.append(f'<text x="{x0 + pad - 4}" y="{sy(v) + 4}" text-anchor="end" font-size="10">{fmt(v)}</text>')
    for s in (1, steps // 2, steps):
        parts.append(f'<text x="{sx(s)}" y="{h - 14}" text-anchor="middle" font-size="10">{s}</text>')
    parts.append(f'<text x="{x0 + w / 2}" y="{h}" text-anchor="middle" font-size="10">RL step</text>')
    for i, (label, pts) in enumerate(lines):
        path = " ".join(f"{sx(s):.1f},{sy(v):.1f}" for s, v in pts)
        parts.append(f'<polyline fill="none" stroke="{COLORS[i % len(COLORS)]}" stroke-width="1.5" points="{path}"/>')
        parts.append(f'<text x="{x0 + w - pad}" y="{44 + 14 * i}" text-anchor="end" font-size="11" fill="{COLORS[i % len(COLORS)]}">{label}</text>')
    return parts


def main(argv):
    window = 10
    if "--window" in argv:
        i = argv.index("--window")
        window = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) < 2:
        sys.exit(__doc__)
    out, folders = argv[0], [a.split("=", 1) for a in argv[1:]]
    lengths = [(label, smooth(series(folder, "mean_response_len"), window)) for label, folder in folders]
    accuracy = [(label, smooth(series(folder, "accuracy"), window)) for label, folder in folders]
    steps = max(p[-1][0] for _, p in lengths)
    values = [v for _, p in lengths for _, v in p]
    acc = [v for _, p in accuracy for _, v in p]
    parts = panel(0, f"mean response length, tokens ({window}-step mean)", lengths, min(values) * 0.9, max(values) * 1.1, steps, lambda v: f"{v:.0f}")
    parts += panel(430, f"training-rollout accuracy ({window}-step mean)", accuracy, min(acc) * 0.9, max(acc) * 1.1, steps, lambda v: f"{100 * v:.0f}%")
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="860" height="270" font-family="sans-serif">\n' + "\n".join(parts) + "\n</svg>\n"
    with open(out, "w") as f:
        f.write(svg)


if __name__ == "__main__":
    main(sys.argv[1:])
