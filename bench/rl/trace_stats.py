#!/usr/bin/env python3
"""Self-verification statistics of linear-equation traces in an evaluate report (bench/RESULTS.md, issue 11).

usage: python3 bench/rl/trace_stats.py REPORT_DIR/traces.jsonl [sampled|greedy]

For each response of the given mode it reads the "Try:" lines (the x each attempt claims) and the "Check:" lines
(the value a*x+b the check computed and its verdict, "correct" or "not c") and prints:
  acc                                   share of responses graded correct
  tries/resp                            attempts per response
  first_try_right                       share of responses whose first attempt claims the true x
  attempt_right                         share of all attempts that claim the true x
  verdict_consistent_with_own_value     the verdict agrees with the check's own computed value (= c or not)
  verdict_right_about_attempt           the verdict agrees with whether the attempt's x is the true x
  own_value_differs / says correct      checks whose own value is not c, and how many of them still say "correct"
"""
import collections
import json
import re
import sys

EQUATION = re.compile(r"Solve (-?\d*)x([+-]\d+)=(-?\d+) for x\.")
ATTEMPT_X = re.compile(r"x=[^,]*=(-?\d+)\.\s*$")
CHECK = re.compile(r"=(-?\d+), (correct|not)")


def main(path, mode):
    st = collections.Counter()
    for line in open(path, encoding="utf-8"):
        t = json.loads(line)
        if t.get("mode") != mode:
            continue
        st["responses"] += 1
        st["correct"] += t["correct"]
        m = EQUATION.search(t["prompt"])
        if not m:
            st["unparsed_prompt"] += 1
            continue
        a = {"": 1, "-": -1}.get(m.group(1)) or int(m.group(1))
        b, c = int(m.group(2)), int(m.group(3))
        x = (c - b) // a
        lines = [l for l in t["response"].split("</think>")[0].split("\n") if l.strip()]
        first, ax = True, None
        for l in lines:
            if l.startswith("Try:"):
                mm = ATTEMPT_X.search(l)
                ax = int(mm.group(1)) if mm else None
                st["attempts"] += 1
                st["attempt_right"] += ax == x
                if first:
                    st["first_try_right"] += ax == x
                    first = False
            elif l.startswith("Check:"):
                mm = CHECK.search(l)
                if not mm:
                    st["check_unparsed"] += 1
                    continue
                value, says_correct = int(mm.group(1)), mm.group(2) == "correct"
                st["checks"] += 1
                st["consistent"] += says_correct == (value == c)
                st["right_about_attempt"] += says_correct == (ax == x)
                if value != c:
                    st["own_differs"] += 1
                    st["own_differs_says_correct"] += says_correct
    n, k = max(st["responses"], 1), max(st["checks"], 1)
    print(f"{mode}: n={st['responses']} acc={st['correct'] / n:.3f} tries/resp={st['attempts'] / n:.2f} "
          f"first_try_right={st['first_try_right'] / n:.3f} attempt_right={st['attempt_right'] / max(st['attempts'], 1):.3f}")
    print(f"  checks={st['checks']} verdict_consistent_with_own_value={st['consistent'] / k:.3f} "
          f"verdict_right_about_attempt={st['right_about_attempt'] / k:.3f} "
          f"own_value_differs={st['own_differs']} of which says correct={st['own_differs_says_correct']}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "sampled")
