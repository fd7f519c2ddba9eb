#!/usr/bin/env python3
"""Summarises a guard-call.sh run: per invocation throughput, sample-time mean and p50, and the process CPU time
per call; per side the median over invocations; the ratio with / without of the medians and of each adjacent
ABBA pair (invocations 1-2, 3-4, ... of the run: on/off, off/on). Usage: guard-call-summary.py DIR"""
import json
import re
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
load = {}
for line in (out / "load.tsv").read_text().splitlines():
    name, side, before, after = line.split("\t")
    load[name] = (before, after)

rows = []
for path in sorted(out.glob("[0-9][0-9]-*.json")):
    name = path.stem
    side = name.split("-")[1]
    row = {"name": name, "side": side}
    for result in json.loads(path.read_text()):
        metric = result["primaryMetric"]
        if result["mode"] == "thrpt":
            # ops/us -> calls/s; per fork, the mean of its iterations
            row["thrpt"] = metric["score"] * 1e6
            row["thrpt_err"] = metric["scoreError"] * 1e6
        elif result["mode"] == "sample":
            row["mean_us"] = metric["score"]
            row["p50_us"] = metric["scorePercentiles"]["50.0"]
            row["p90_us"] = metric["scorePercentiles"]["90.0"]
            row["p99_us"] = metric["scorePercentiles"]["99.0"]
            row["samples"] = sum(len(fork) for fork in metric["rawDataHistogram"])
        iterations = result["measurementIterations"]
        row.setdefault("iters", iterations)
    # CPU per call, measurement iterations only: the last `iters` values of each fork's line
    cpu = []
    log = (out / f"{name}.log").read_text()
    for m in re.finditer(r"cpu-per-call-us guard=\w+ \(warm-up iterations first\):((?: [0-9.]+)*)", log):
        values = [float(v) for v in m.group(1).split()]
        cpu.extend(values[-row["iters"]:])
    row["cpu_us"] = statistics.median(cpu) if cpu else float("nan")
    row["load"] = load.get(name, ("?", "?"))
    rows.append(row)

print("| invocation | guard | calls/s (thrpt) | mean µs (sample) | p50 µs | p90 µs | p99 µs | process CPU µs/call (median of iterations) | load before → after |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['name']} | {r['side']} | {r['thrpt']:.1f} ± {r['thrpt_err']:.1f} | {r['mean_us']:.0f} | {r['p50_us']:.0f} | "
          f"{r['p90_us']:.0f} | {r['p99_us']:.0f} | {r['cpu_us']:.0f} | {r['load'][0]} → {r['load'][1]} |")

metrics = [("thrpt", "throughput (calls/s)"), ("p50_us", "p50 (µs)"), ("mean_us", "mean (µs)"),
           ("p90_us", "p90 (µs)"), ("cpu_us", "process CPU per call (µs)")]
print()
print("| measure | with guard: median of invocations (min–max) | without | ratio of medians with / without | "
      "per-pair ratios: median (min–max) |")
print("|---|---|---|---|---|")
for key, label in metrics:
    on = [r[key] for r in rows if r["side"] == "on"]
    off = [r[key] for r in rows if r["side"] == "off"]
    pairs = []
    for a, b in zip(rows[0::2], rows[1::2]):
        w, wo = (a, b) if a["side"] == "on" else (b, a)
        if w["side"] == "on" and wo["side"] == "off":
            pairs.append(w[key] / wo[key])
    print(f"| {label} | {statistics.median(on):.1f} ({min(on):.1f}–{max(on):.1f}) | "
          f"{statistics.median(off):.1f} ({min(off):.1f}–{max(off):.1f}) | "
          f"{statistics.median(on) / statistics.median(off):.3f} | "
          f"{statistics.median(pairs):.3f} ({min(pairs):.3f}–{max(pairs):.3f}), {len(pairs)} pairs |")
