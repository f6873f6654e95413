#!/usr/bin/env python3
"""Summarises a JFR CPU profile: where the node's threads spent their samples.

Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample node.jfr | jfr_top.py [TOP] > top-frames.md

Reads the text form of jdk.ExecutionSample events (one per sampled running Java thread) and prints
Markdown tables:
  - self: the frame on top of the stack (where the CPU actually was);
  - inclusive: every method on the stack, counted once per sample (what the time was spent under);
  - our code: the topmost net.twinblock frame of each sample (which of our paths led there);
  - threads: samples per thread, with pool numbers folded ("nioEventLoopGroup-2-1" -> "nioEventLoopGroup-2-N").
Line numbers are dropped so one method is one row.
"""
import collections
import re
import sys

TOP = int(sys.argv[1]) if len(sys.argv) > 1 else 25
OURS = "net.twinblock."
FRAME = re.compile(r"^\s+(\S.*?\))(?: line: \d+)?(?: bci: \d+)?\s*$")
THREAD = re.compile(r'^\s+sampledThread = "(.*)" \(javaThreadId')


def method(frame):
    """'a.b.C.m(int, String)' -> 'a.b.C.m()': argument lists make rows too wide to read."""
    return frame[: frame.index("(")] + "()" if "(" in frame else frame


def fold_thread(name):
    return re.sub(r"\d+$", "N", name)


def main():
    self_c, incl_c, ours_c, thread_c = (collections.Counter() for _ in range(4))
    samples = 0
    stack, thread, in_stack = [], "?", False

    def flush():
        nonlocal samples
        if not stack:
            return
        samples += 1
        self_c[stack[0]] += 1
        for m in set(stack):
            incl_c[m] += 1
        ours = next((m for m in stack if m.startswith(OURS)), None)
        ours_c[ours or "(no twinblock frame: JDK/Netty only)"] += 1
        thread_c[fold_thread(thread)] += 1

    for line in sys.stdin:
        if line.startswith("jdk.ExecutionSample"):
            stack, thread, in_stack = [], "?", False
            continue
        m = THREAD.match(line)
        if m:
            thread = m.group(1)
            continue
        if "stackTrace = [" in line:
            in_stack = True
            continue
        if in_stack:
            if line.strip() == "]":
                in_stack = False
                flush()
                stack = []
                continue
            f = FRAME.match(line)
            if f:
                stack.append(method(f.group(1)))

    w = sys.stdout.write
    w(f"# JFR CPU profile of the standalone node: {samples} execution samples\n\n")
    if not samples:
        w("No samples: the node did not run Java code while recorded (or the recording is empty).\n")
        return

    def table(title, counter, what):
        w(f"## {title}\n\n| % | samples | {what} |\n|---:|---:|---|\n")
        for name, n in counter.most_common(TOP):
            w(f"| {100.0 * n / samples:.1f} | {n} | `{name}` |\n")
        w("\n")

    table("Top frames (self time)", self_c, "method on top of the stack")
    table("Inclusive (method anywhere on the stack)", incl_c, "method")
    table("Topmost twinblock frame", ours_c, "method")
    table("Threads", thread_c, "thread")


if __name__ == "__main__":
    main()
