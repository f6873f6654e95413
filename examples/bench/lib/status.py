#!/usr/bin/env python3
"""Reads fields of a node's admin status (GET /status, JSON).

Usage: status.py ADMIN_PORT FIELD... e.g. status.py 8080 mirror.state mirror.frames.smallWrites
Prints the values space separated, "?" for a field the node does not report (older jar) and
exits 1 if the endpoint does not answer.
"""
import json
import sys
import urllib.request


def field(doc, path):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return "?"
        doc = doc[part]
    return str(doc)


def main():
    port, fields = sys.argv[1], sys.argv[2:]
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as r:
            doc = json.load(r)
    except (OSError, ValueError) as e:
        print(f"status.py: admin endpoint on port {port}: {e}", file=sys.stderr)
        sys.exit(1)
    print(" ".join(field(doc, f) for f in fields))


if __name__ == "__main__":
    main()
