#!/usr/bin/env python3
"""Turns one benchmark run (raw fio JSON + CPU ticks, written by run.sh) into RESULTS.md.

Usage: report.py RESULTS_DIR > RESULTS_DIR/RESULTS.md

Inputs in RESULTS_DIR, all written by run.sh:
  meta.env     KEY=VALUE lines: machine, commit, run parameters, loopback RTT
  cells.tsv    name, label, fio rw, block size, queue depth (the matrix, in run order)
  systems.tsv  system, status (ok|na), note (version, or why it was not measured)
  samples.tsv  system, cell, repetition, fio JSON path (relative), CPU ticks per target process
               (comma separated, utime+stime delta over the repetition), fio exit code
  threads.tsv  system, cell, repetition, fio JSON path, node index (0 primary, 1 secondary),
               thread group, CPU ticks of that group over the repetition

Every figure comes from fio's "mixed" section (run.sh passes --unified_rw_reporting=both), so a
70/30 mix is reported as one workload with one latency distribution, not two half-truths.
Latency is fio's lat (submission to completion, --lat_percentiles=1), not clat.
"""
import json
import os
import statistics
import sys

SYSTEM_TITLES = {
    "tgt": "tgt (Debian)",
    "tgt-null": "tgt, null backend (protocol floor)",
    "standalone": "twinblock standalone",
    "pair": "twinblock pair",
    "pair-nocap": "twinblock pair, record.capacity=0 (always-miss)",
    "pair-nocp": "twinblock pair, consistency points off",
    "pair-ramsecondary": "twinblock pair, secondary's files in RAM (its fdatasync not on the primary's disk)",
    "standalone-before": "twinblock standalone, BEFORE_JAR",
    "pair-before": "twinblock pair, BEFORE_JAR",
    "standalone-pinned": "twinblock standalone, node and fio on CPU 0",
    "pair-pinned": "twinblock pair, primary and fio on CPU 0, secondary on CPU 1",
}


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v
    return env


def percentile(lat, key="99.000000"):
    p = lat.get("percentile") or {}
    return p.get(key)


def sample_metrics(path, cpu_ticks, clk_tck):
    """One repetition's figures, or an error string."""
    try:
        with open(path) as f:
            text = f.read()
        # fio may print warnings before the JSON document.
        doc = json.loads(text[text.index("{"):])
    except (OSError, ValueError) as e:
        return f"no fio JSON ({e.__class__.__name__})"
    job = doc["jobs"][0]
    if job.get("error"):
        return f"fio error {job['error']}"
    m = job.get("mixed")
    if m is None:
        # Older fio without unified reporting: add the directions up.
        r, w = job["read"], job["write"]
        m = {"iops": r["iops"] + w["iops"], "bw_bytes": r["bw_bytes"] + w["bw_bytes"],
             "io_bytes": r["io_bytes"] + w["io_bytes"],
             "lat_ns": r["lat_ns"] if r["io_bytes"] >= w["io_bytes"] else w["lat_ns"]}
    lat = m["lat_ns"] if percentile(m["lat_ns"]) is not None else m["clat_ns"]
    p99 = percentile(lat)
    if m["io_bytes"] == 0 or p99 is None:
        return "no I/O completed"
    cpu_s = [t / clk_tck for t in cpu_ticks]
    gb = m["io_bytes"] / 1e9
    # With --fsync=1 fio times each SYNCHRONIZE CACHE apart from the writes: shown beside them.
    sync = job.get("sync", {}).get("lat_ns", {}).get("mean", 0) / 1000.0
    return {
        "sync_us": sync,
        "iops": m["iops"],
        "mbps": m["bw_bytes"] / 1e6,
        "mean_us": m["lat_ns"]["mean"] / 1000.0,
        "p99_us": p99 / 1000.0,
        "cpu_per_gb": sum(cpu_s) / gb,
        "cpu_per_gb_each": [c / gb for c in cpu_s],
        "runtime_s": job["job_runtime"] / 1000.0 if job.get("job_runtime") else m["io_bytes"] / m["bw_bytes"],
    }


class Cell:
    """The repetitions of one workload on one system."""

    def __init__(self):
        self.ok = []
        self.errors = []

    def med(self, key):
        return statistics.median(s[key] for s in self.ok) if self.ok else None

    def lo(self, key):
        return min(s[key] for s in self.ok)

    def hi(self, key):
        return max(s[key] for s in self.ok)


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def spread(cell, key, digits=0):
    if not cell.ok:
        return "–"
    if len(cell.ok) == 1:
        return fmt(cell.med(key), digits)
    return f"{fmt(cell.med(key), digits)} ({fmt(cell.lo(key), digits)}–{fmt(cell.hi(key), digits)})"


def main():
    out_dir = sys.argv[1]
    env = read_env(os.path.join(out_dir, "meta.env"))
    clk_tck = int(env.get("clk_tck", "100"))
    cells = read_tsv(os.path.join(out_dir, "cells.tsv"))
    systems = read_tsv(os.path.join(out_dir, "systems.tsv"))
    status = {s[0]: (s[1], s[2] if len(s) > 2 else "") for s in systems}
    order = [s[0] for s in systems]

    data = {}
    for row in read_tsv(os.path.join(out_dir, "samples.tsv")):
        system, cell, _rep, rel, ticks, rc = row
        c = data.setdefault((system, cell), Cell())
        ticks = [int(t) for t in ticks.split(",") if t]
        m = sample_metrics(os.path.join(out_dir, rel), ticks, clk_tck)
        if isinstance(m, str) or rc != "0":
            c.errors.append(m if isinstance(m, str) else "the target refused commands (see the fio log in raw/)"
                            if rc == "refused" else f"fio exit {rc}")
        else:
            c.ok.append(m)

    w = sys.stdout.write
    w(f"# twinblock benchmark, {env.get('date', '?')}\n\n")
    w(f"- Commit: `{env.get('commit', '?')}`\n")
    w(f"- Machine: {env.get('nproc', '?')} CPUs ({env.get('cpu_model', '?')}), kernel {env.get('kernel', '?')}, "
      f"{env.get('mem', '?')} RAM; fio, targets and JVMs share these CPUs\n")
    w(f"- Clients: {env.get('fio_version', 'fio')} with the libiscsi engine, one job, one session per run, "
      f"direct, time based\n")
    w(f"- Run: {env.get('reps', '?')} repetition(s) of {env.get('runtime', '?')} per cell, repetitions interleaved "
      f"across systems; LUN {env.get('lun_size', '?')} file-backed in {env.get('tmp_fs', 'a temp folder')}, "
      f"filled before measuring; warm-up {env.get('warmup', '?')}"
      f"{' (QUICK smoke run: numbers are indicative only)' if env.get('quick') == '1' else ''}"
      f"{' (PROFILE run: the standalone node ran with JFR)' if env.get('profile') == '1' else ''}\n")
    w(f"- Loopback TCP RTT (python ping-pong, separate processes): median {env.get('rtt_median_us', '?')} µs, "
      f"mean {env.get('rtt_mean_us', '?')} µs\n")
    if "load_start" in env:
        w(f"- Load average (1/5/15 min) when measuring started: {env['load_start']}, when it ended: "
          f"{env.get('load_end', '?')} (anything well above 1-2 means other work shared the CPUs)\n")
    w("- Systems:\n")
    for s in order:
        st, note = status[s]
        shown = {"ok": note, "na": f"n/a ({note})"}.get(st, f"{st}: {note}")
        w(f"  - {SYSTEM_TITLES.get(s, s)}: {shown}\n")
    w("\nMedian of the repetitions, (min–max) where shown. Latency is fio's total latency "
      "(submission to completion) of the writes; with a SYNCHRONIZE CACHE after each, the "
      "flush's mean is beside it. CPU s/GB is utime+stime of the target process(es) per GB moved.\n\n")

    w("| Workload | System | IOPS | MB/s | mean lat µs | p99 lat µs | CPU s/GB |\n")
    w("|---|---|---:|---:|---:|---:|---:|\n")
    for name, label, *_ in cells:
        for s in order:
            st, note = status[s]
            title = SYSTEM_TITLES.get(s, s)
            if st == "na":
                w(f"| {label} | {title} | n/a ({note}) | | | | |\n")
                continue
            c = data.get((s, name), Cell())
            if not c.ok:
                why = "; ".join(sorted(set(c.errors))) or f"not run ({note})"
                w(f"| {label} | {title} | failed: {why} | | | | |\n")
                continue
            cpu = fmt(c.med("cpu_per_gb"), 2)
            if s.startswith("pair"):
                each = [statistics.median(x["cpu_per_gb_each"][i] for x in c.ok)
                        for i in range(len(c.ok[0]["cpu_per_gb_each"]))]
                cpu += " (" + " + ".join(fmt(e, 2) for e in each) + ")"
            failed = f" ⚠ {len(c.errors)} failed" if c.errors else ""
            sync = f" (SYNC CACHE {fmt(c.med('sync_us'))})" if c.med("sync_us") else ""
            w(f"| {label} | {title} | {spread(c, 'iops')}{failed} | {fmt(c.med('mbps'), 1)} | "
              f"{fmt(c.med('mean_us'))}{sync} | {spread(c, 'p99_us')} | {cpu} |\n")
    w("\n")
    write_goals(w, cells, data, status, env)
    write_frames(w, cells, os.path.join(out_dir, "frames.tsv"))
    write_threads(w, cells, out_dir, order, clk_tck)


THREAD_SYSTEMS = ["standalone", "pair", "pair-nocp", "standalone-before", "pair-before", "standalone-pinned",
                  "pair-pinned"]


def write_threads(w, cells, out_dir, order, clk_tck):
    """CPU µs per I/O by thread group and node, for the CPU goals' workloads: where the CPU goes."""
    path = os.path.join(out_dir, "threads.tsv")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    ios = {}
    per = {}  # (system, node, group, cell) -> [µs per I/O of each repetition]
    for system, cell, rep, rel, node, group, ticks in read_tsv(path):
        if cell not in CPU_CELLS or system not in THREAD_SYSTEMS:
            continue
        key = (system, cell, rep)
        if key not in ios:
            m = sample_metrics(os.path.join(out_dir, rel), [], clk_tck)
            ios[key] = None if isinstance(m, str) else m["iops"] * m["runtime_s"]
        if ios[key]:
            per.setdefault((system, int(node), group, cell), []).append(int(ticks) / clk_tck * 1e6 / ios[key])
    shown = [c for c in cells if c[0] in CPU_CELLS]
    if not per or not shown:
        return
    w("\n## Where the CPU goes\n\n")
    w("CPU µs per I/O (utime+stime from /proc, median of the repetitions) by thread group and node; groups "
      "under 0.5 µs left out. Thread names as the kernel cuts them (15 characters).\n\n")
    w("| System | Node | Threads | " + " | ".join(c[1] for c in shown) + " |\n")
    w("|---|---|---|" + "---:|" * len(shown) + "\n")
    for system in [s for s in order if s in THREAD_SYSTEMS]:
        nodes = sorted({k[1] for k in per if k[0] == system})
        for node in nodes:
            name = ("primary" if node == 0 else "secondary") if system.startswith("pair") else "node"
            groups = {k[2] for k in per if k[0] == system and k[1] == node}
            med = {(g, c[0]): statistics.median(per[(system, node, g, c[0])])
                   for g in groups for c in shown if (system, node, g, c[0]) in per}
            total = {c[0]: sum(v for (g, cn), v in med.items() if cn == c[0]) for c in shown}
            for g in sorted(groups, key=lambda g: -max(med.get((g, c[0]), 0) for c in shown)):
                if max(med.get((g, c[0]), 0) for c in shown) < 0.5:
                    continue
                w(f"| {system} | {name} | {g} | " + " | ".join(fmt(med.get((g, c[0])), 1) for c in shown) + " |\n")
            w(f"| {system} | {name} | **all threads** | " + " | ".join(fmt(total[c[0]], 1) for c in shown) + " |\n")


def write_frames(w, cells, path):
    """Frames per mirrored write as the secondary counted them, per workload (DESIGN section 3)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return
    totals = {}
    for name, _rep, before, after in read_tsv(path):
        b, a = before.split(), after.split()
        if "?" in b + a:
            continue
        t = totals.setdefault(name, [0, 0, 0, 0])
        for i in range(4):
            t[i] += int(a[i]) - int(b[i])
    if not totals:
        return
    w("\n## Mirror link: frames per mirrored write (secondary's counters)\n\n")
    w("| Workload | small writes | frames/write | large writes | frames/write |\n|---|---:|---:|---:|---:|\n")
    for name, label, *_ in cells:
        if name in totals:
            sw, sf, lw, lf = totals[name]
            w(f"| {label} | {sw:,} | {sf / sw if sw else 0:.2f} | {lw:,} | {lf / lw if lw else 0:.2f} |\n")


def ratio_goal(data, status, a, b, cell, key, goal, higher_is_better):
    """(measured ratio text, met text) for a/b on one metric."""
    for s in (a, b):
        if status.get(s, ("na",))[0] == "na":
            return "n/a", f"n/a ({s} not measured)"
    ca, cb = data.get((a, cell)), data.get((b, cell))
    if not ca or not cb or not ca.ok or not cb.ok:
        return "n/a", "n/a (failed)"
    r = ca.med(key) / cb.med(key)
    met = r >= goal if higher_is_better else r <= goal
    return f"{r:.2f}×", "met" if met else "**not met**"


# What each metric is called in a goal row, and whether a higher ratio is the better one.
METRICS = {"iops": ("IOPS", True), "mbps": ("MB/s", True),
           "mean_us": ("mean latency", False), "p99_us": ("p99 latency", False)}

# Ratio goals a/b on one cell: (a, b, cell, metric, goal). Rows for cells not run are left out.
RATIO_GOALS = [
    ("pair", "standalone", "randwrite-4k-qd32", "iops", 0.80),
    ("pair", "standalone", "seqwrite-128k-qd8", "mbps", 0.70),
    ("pair", "standalone", "randread-4k-qd32", "iops", 0.95),
    ("pair", "standalone", "seqread-128k-qd8", "mbps", 0.95),
    # Durable writes: the secondary's flush must not double a host's SYNCHRONIZE CACHE wait, and
    # at QD32 group commit must show.
    ("pair", "standalone", "randwrite-4k-qd1-fsync", "mean_us", 1.50),
    ("pair", "standalone", "randwrite-4k-qd32-fsync", "iops", 0.50),
    # tgt with no storage is the protocol's floor on this machine: the node within 2x of it.
    ("standalone", "tgt-null", "randwrite-4k-qd1", "mean_us", 2.00),
]


# Each pair node's CPU per GB against the standalone node's, on the write cells: (node index, name, goal).
CPU_GOALS = [(0, "primary", 1.30), (1, "secondary", 0.50)]
CPU_CELLS = ["randwrite-4k-qd32", "seqwrite-128k-qd8"]


def write_cpu_goals(w, cells, data, pair, standalone):
    labels = {c[0]: c[1] for c in cells}
    for name in CPU_CELLS:
        cp, cs = data.get((pair, name)), data.get((standalone, name))
        if name not in labels or not (cp and cs and cp.ok and cs.ok) or len(cp.ok[0]["cpu_per_gb_each"]) < 2:
            continue
        base = cs.med("cpu_per_gb")
        for i, node, goal in CPU_GOALS:
            mine = statistics.median(x["cpu_per_gb_each"][i] for x in cp.ok)
            r = mine / base if base else float("nan")
            met = "met" if r <= goal else "**not met**"
            w(f"| {pair} {node}/{standalone} CPU per GB, {labels[name]} | {r:.2f}× | ≤ {goal:.2f}× | {met} |\n")


def write_goals(w, cells, data, status, env):
    labels = {c[0]: c[1] for c in cells}
    w("## Goals\n\n")
    w("Ratios of medians. IOPS and MB/s ratios: higher is better; latency ratios: lower is better.\n\n")
    w("| Goal | Measured | Target | Met |\n|---|---:|---:|---|\n")
    fast = {"randwrite-4k-qd32", "randread-4k-qd32"}
    for name, label, *_ in cells:
        goal = 1.25 if name in fast else 1.0
        r, met = ratio_goal(data, status, "standalone", "tgt", name, "iops", goal, True)
        w(f"| standalone/tgt IOPS, {label} | {r} | ≥ {goal:.2f}× | {met} |\n")
    for name, label, *_ in cells:
        r, met = ratio_goal(data, status, "standalone", "tgt", name, "p99_us", 1.0, False)
        w(f"| standalone/tgt p99 latency, {label} | {r} | ≤ 1.00× | {met} |\n")
    # The pair's goals also for BEFORE_JAR's pair and node (before and after, one run) and for the
    # pinned pair and node (two one-CPU machines), when they ran.
    suffixes = [""] + [x for x in ("-before", "-pinned") if "pair" + x in status and "standalone" + x in status]
    others = [(a + x, b + x, n, k, g) for x in suffixes[1:] for a, b, n, k, g in RATIO_GOALS if a == "pair"]
    for a, b, name, key, goal in RATIO_GOALS + others:
        if name not in labels:
            continue
        unit, higher = METRICS[key]
        r, met = ratio_goal(data, status, a, b, name, key, goal, higher)
        w(f"| {a}/{b} {unit}, {labels[name]} | {r} | {'≥' if higher else '≤'} {goal:.2f}× | {met} |\n")
    for suffix in suffixes:
        write_cpu_goals(w, cells, data, "pair" + suffix, "standalone" + suffix)
    # Mirroring adds one primary -> secondary -> primary trip to every write.
    qd1 = "randwrite-4k-qd1"
    if qd1 in labels:
        budget = float(env.get("rtt_median_us", "nan")) + 50.0
        target = f"≤ {budget:.0f} µs (RTT + 50 µs)"
        if any(status.get(s, ("na",))[0] == "na" for s in ("pair", "standalone")):
            w(f"| pair added latency, {labels[qd1]} (mean) | n/a | {target} | n/a (not measured) |\n")
        else:
            cp, cs = data.get(("pair", qd1)), data.get(("standalone", qd1))
            if cp and cs and cp.ok and cs.ok:
                added = cp.med("mean_us") - cs.med("mean_us")
                met = "met" if added <= budget else "**not met**"
                w(f"| pair added latency, {labels[qd1]} (mean) | {added:.0f} µs | {target} | {met} |\n")
            else:
                w(f"| pair added latency, {labels[qd1]} (mean) | n/a | {target} | n/a (failed) |\n")


if __name__ == "__main__":
    main()
