#!/usr/bin/env python3
"""Loopback TCP round-trip time, the yardstick for the pair's added QD1 latency.

A mirrored write costs at least one extra round trip (primary -> secondary -> primary), so the goal
"pair QD1 latency <= standalone + one loopback RTT + 50 us" needs the RTT of this machine, measured in
the same run under the same load conditions. ICMP ping is often missing or forbidden in containers;
a TCP ping-pong with Nagle off is also closer to what the mirror link does.

Prints one line: "<median_us> <mean_us> <p99_us> <samples>".
"""
import socket
import statistics
import sys
import os
import time

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
WARMUP = 500


def serve(listener):
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with conn:
        while True:
            b = conn.recv(1)
            if not b:
                return
            conn.sendall(b)


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    # The echo side is a separate process: a thread would share the GIL and add its hand-off
    # latency to every round trip.
    pid = os.fork()
    if pid == 0:
        try:
            serve(listener)
        finally:
            os._exit(0)
    address = listener.getsockname()
    listener.close()
    c = socket.create_connection(address)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = []
    for i in range(WARMUP + ROUNDS):
        t0 = time.perf_counter_ns()
        c.sendall(b"x")
        if c.recv(1) != b"x":
            raise SystemExit("rtt: echo lost")
        if i >= WARMUP:
            samples.append((time.perf_counter_ns() - t0) / 1000.0)
    c.close()
    os.waitpid(pid, 0)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"{statistics.median(samples):.1f} {statistics.fmean(samples):.1f} {p99:.1f} {len(samples)}")


if __name__ == "__main__":
    main()
