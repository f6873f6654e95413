#!/usr/bin/env python3
"""Summarises a JFR CPU profile: where the node's threads spent their samples.

Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample node.jfr \
         | jfr_top.py [TOP [NODE_NAME]] > top-frames.md

Reads the text form of the samples and prints Markdown tables, separately for
  - jdk.ExecutionSample: threads running Java code (the CPU the JVM itself burns), and
  - jdk.NativeMethodSample: threads inside native code, i.e. system calls (socket and file I/O);
    samples parked in the event loop's epoll wait are idle time and are counted apart.
For each:
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
NODE = sys.argv[2] if len(sys.argv) > 2 else "node"
OURS = "net.twinblock."
FRAME = re.compile(r"^\s+(\S.*?\))(?: line: \d+)?(?: bci: \d+)?\s*$")
THREAD = re.compile(r'^\s+sampledThread = "(.*)" \(javaThreadId')


def method(frame):
    """'a.b.C.m(int, String)' -> 'a.b.C.m()': argument lists make rows too wide to read."""
    return frame[: frame.index("(")] + "()" if "(" in frame else frame


def fold_thread(name):
    return re.sub(r"\d+$", "N", name)


# Native frames where a thread waits for work rather than doing it.
IDLE = ("sun.nio.ch.EPoll.wait()", "io.netty.channel.epoll.Native.epollWait", "sun.nio.ch.Net.accept()",
        "sun.nio.ch.Net.poll()", "java.lang.Thread.sleep()")


class Profile:
    def __init__(self):
        self.self_c, self.incl_c, self.ours_c, self.thread_c = (collections.Counter() for _ in range(4))
        self.samples = 0
        self.idle = 0

    def add(self, stack, thread, skip_idle):
        if skip_idle and stack[0].startswith(IDLE):
            self.idle += 1
            return
        self.samples += 1
        self.self_c[stack[0]] += 1
        for m in set(stack):
            self.incl_c[m] += 1
        ours = next((m for m in stack if m.startswith(OURS)), None)
        self.ours_c[ours or "(no twinblock frame: JDK/Netty only)"] += 1
        self.thread_c[fold_thread(thread)] += 1


def main():
    profiles = {"jdk.ExecutionSample": Profile(), "jdk.NativeMethodSample": Profile()}
    event = None
    stack, thread, in_stack = [], "?", False

    def flush():
        if stack and event in profiles:
            profiles[event].add(stack, thread, event == "jdk.NativeMethodSample")

    for line in sys.stdin:
        if line.startswith("jdk.") and line.rstrip().endswith("{"):
            event = line.split()[0]
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
    java, native = profiles["jdk.ExecutionSample"], profiles["jdk.NativeMethodSample"]
    w(f"# JFR CPU profile of the {NODE} node\n\n")
    w(f"{java.samples} samples of threads running Java code; {native.samples} samples of threads in native "
      f"code (system calls) plus {native.idle} idle ones waiting in epoll/accept/sleep. Percentages are of "
      "each section's own samples.\n\n")

    def table(p, title, counter, what):
        w(f"### {title}\n\n| % | samples | {what} |\n|---:|---:|---|\n")
        for name, n in counter.most_common(TOP):
            w(f"| {100.0 * n / p.samples:.1f} | {n} | `{name}` |\n")
        w("\n")

    for heading, p in (("Java code (jdk.ExecutionSample)", java),
                       ("Native code, idle waits excluded (jdk.NativeMethodSample)", native)):
        w(f"## {heading}\n\n")
        if not p.samples:
            w("No samples.\n\n")
            continue
        table(p, "Top frames (self)", p.self_c, "method on top of the stack")
        table(p, "Inclusive (method anywhere on the stack)", p.incl_c, "method")
        table(p, "Topmost twinblock frame", p.ours_c, "method")
        table(p, "Threads", p.thread_c, "thread")


if __name__ == "__main__":
    main()
