#!/usr/bin/env bash
# Runs a twinblock pair on this machine: a primary (iSCSI 127.0.0.1:3260, admin :3270) that
# mirrors LUN 0 to a secondary (iSCSI 127.0.0.1:3261, admin :3271, mirror link 127.0.0.1:3280).
# Builds the node jar if it is missing, creates the shared key if it is missing, starts both
# nodes, waits until they are ready, prints how to use them, and stops both on Ctrl-C or exit.
#
#   examples/pair/run-pair.sh            # from anywhere; data and logs stay in examples/pair
#   JAVA=/path/to/java run-pair.sh       # another Java 17+
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="$repo/target-server/target/target-server.jar"
java="${JAVA:-java}"
cd "$here"

if [[ ! -f "$jar" ]]; then
    echo "building $jar (mvn package, tests skipped) ..."
    (cd "$repo" && mvn -B -q -DskipTests -pl target-server -am package)
fi

if [[ ! -f pair.key ]]; then
    # 32 random bytes as base64: one shared key for both nodes, readable by this user only.
    (umask 077 && head -c 32 /dev/urandom | base64 > pair.key)
    echo "created the pair's shared key in $here/pair.key"
fi
mkdir -p data/primary data/secondary logs

pids=()
stop_all() {
    trap - EXIT INT TERM
    if ((${#pids[@]})); then
        echo
        echo "stopping the pair ..."
        # SIGTERM: each node stops accepting, finishes in-flight commands, flushes and closes.
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
        echo "stopped; data in $here/data, logs in $here/logs"
    fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start_node() { # name
    : > "logs/$1.log"
    "$java" -jar "$jar" serve --config "$1.conf" >>"logs/$1.log" 2>&1 &
    pids+=("$!")
}

await_ready() { # name pid
    for _ in $(seq 1 600); do
        if grep -q "twinblock node ready" "logs/$1.log"; then
            return 0
        fi
        if ! kill -0 "$2" 2>/dev/null; then
            echo "the $1 exited before it was ready; the end of logs/$1.log:" >&2
            tail -n 20 "logs/$1.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "the $1 was not ready within 60 s; see $here/logs/$1.log" >&2
    exit 1
}

# The secondary first, so the primary's first connection attempt finds it.
start_node secondary
await_ready secondary "${pids[0]}"
start_node primary
await_ready primary "${pids[1]}"

status() { "$java" -jar "$jar" status --admin "$1"; }
for _ in $(seq 1 100); do
    if status 127.0.0.1:3270 2>/dev/null | grep -q '"state": "in_sync"'; then
        break
    fi
    sleep 0.2
done
# The "state" inside the status's "mirror" object (the node's own state comes first).
pair_state="$(status 127.0.0.1:3270 2>/dev/null | awk '/"mirror": \{/ { m = 1 } m && /"state":/ { gsub(/[",]/, "", $2); print $2; exit }')"

iqn="$(sed -n 's/^iscsi.target *= *//p' primary.conf)"
fio_iqn="${iqn//:/\\:}"
cat <<INFO

twinblock pair running (pair state: ${pair_state:-unknown}); logs in $here/logs
  primary    iSCSI 127.0.0.1:3260  admin 127.0.0.1:3270  (ALUA active/optimized)
  secondary  iSCSI 127.0.0.1:3261  admin 127.0.0.1:3271  (ALUA active/non-optimized)
  target     $iqn, LUN 0 mirrored synchronously

Log in with open-iscsi (as root; dm-multipath then sees one disk through two paths):
  iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
  iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3261
  iscsiadm -m node -T $iqn -p 127.0.0.1:3260 --login
  iscsiadm -m node -T $iqn -p 127.0.0.1:3261 --login

libiscsi tools and fio (libiscsi engine; escape every ':' in fio's --filename):
  iscsi-inq iscsi://127.0.0.1:3260/$iqn/0
  iscsi-readcapacity16 iscsi://127.0.0.1:3261/$iqn/0
  fio --ioengine=libiscsi --filename='iscsi\\://127.0.0.1\\:3260/$fio_iqn/0' ...

The pair's state:
  java -jar $jar status --admin 127.0.0.1:3270     # primary: "mirror": role, state, peer, progress
  java -jar $jar status --admin 127.0.0.1:3271     # secondary
  curl -s 127.0.0.1:3271/metrics | grep twinblock_mirror_

Failover (only when the primary is gone; refused while it is connected):
  java -jar $jar promote --admin 127.0.0.1:3271

Ctrl-C stops both nodes.
INFO

# Until Ctrl-C, or until one node exits on its own (then say so and stop the other).
set +e
wait -n "${pids[@]}"
code=$?
echo "a node exited (code $code); see $here/logs" >&2
exit "$code"
