#!/usr/bin/env python3
"""Per-window means of an rl step's logged metrics, from the embedded database of a data folder (issue 11).

usage: python3 bench/rl/rl_windows.py DATA_DIR [WINDOW]

Prints, for every rl step run in DATA_DIR/t1.db (oldest first), the mean training-rollout accuracy, response length,
entropy and KL per token over windows of WINDOW RL steps (default 10). Runs with the same seed and prompts_per_step
visit the same prompts in the same order, so a run at learning rate ~0 is the control of a run that learns.
"""
import collections
import sqlite3
import sys

KEYS = ["accuracy", "mean_response_len", "entropy", "kl"]


def main(folder, window):
    db = sqlite3.connect(f"{folder}/t1.db")
    runs = [r[0] for r in db.execute("select distinct StepRunId from metrics where Key='accuracy' order by StepRunId")]
    for run in runs:
        series = collections.defaultdict(dict)
        for key, step, value in db.execute("select Key, Step, Value from metrics where StepRunId=?", (run,)):
            series[step][key] = value
        steps = sorted(series)
        print(f"rl step run {run}: {len(steps)} steps")
        for lo in range(0, len(steps), window):
            w = steps[lo:lo + window]
            means = " ".join(f"{k}={sum(series[s].get(k) or 0 for s in w) / len(w):.3f}" for k in KEYS)
            print(f"  steps {w[0]}-{w[-1]}: {means}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)
