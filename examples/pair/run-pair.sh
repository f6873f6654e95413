#!/usr/bin/env bash
# Runs a twinblock pair on this machine with primary.conf and secondary.conf (ports, names and
# data dirs come from those files: by default iSCSI 127.0.0.1:3260/3261, admin :3270/:3271).
# Builds the distribution if it is missing, creates the shared key if it is missing, starts both
# nodes, waits until they are ready, prints how to use them, and stops both on Ctrl-C. When one
# node exits on its own the other keeps running (that is how a failover is tried): the script
# says which one stopped and why, and Ctrl-C still stops the survivor.
#
#   examples/pair/run-pair.sh            # from anywhere; data and logs stay in examples/pair
#   JAVA_HOME=/path/to/jdk run-pair.sh   # another Java 17+
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
twinblock="$repo/distribution/target/twinblock/bin/twinblock"
cd "$here"

if [[ ! -x "$twinblock" ]]; then
    echo "building the distribution (mvn package, tests skipped) ..."
    (cd "$repo" && mvn -B -q -DskipTests package)
fi

# One key's value from a config file (the last "key = value" line), e.g. conf_value primary admin.listen.
conf_value() { # node key
    sed -n "s/^$2 *= *//p" "$1.conf" | tail -n 1
}
primary_iscsi="$(conf_value primary iscsi.listen)"
primary_admin="$(conf_value primary admin.listen)"
secondary_iscsi="$(conf_value secondary iscsi.listen)"
secondary_admin="$(conf_value secondary admin.listen)"
for v in primary_iscsi primary_admin secondary_iscsi secondary_admin; do
    if [[ -z "${!v}" ]]; then
        echo "run-pair: ${v/_/.conf: no } address (${v#*_}.listen) set; this script needs it in the file" >&2
        exit 2
    fi
done

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
    "$twinblock" serve --config "$1.conf" >>"logs/$1.log" 2>&1 &
    pids+=("$!")
}

await_ready() { # name pid
    for _ in $(seq 1 600); do
        if grep -q "twinblock node ready" "logs/$1.log"; then
            return 0
        fi
        if ! kill -0 "$2" 2>/dev/null; then
            wait "$2" && code=0 || code=$?
            echo "the $1 exited (code $code) before it was ready; the end of logs/$1.log:" >&2
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

status() { "$twinblock" status --json --admin "$1"; }
for _ in $(seq 1 100); do
    if status "$primary_admin" 2>/dev/null | grep -q '"state": "in_sync"'; then
        break
    fi
    sleep 0.2
done
# The "state" inside the status's "mirror" object (the node's own state comes first).
pair_state="$(status "$primary_admin" 2>/dev/null | awk '/"mirror": \{/ { m = 1 } m && /"state":/ { gsub(/[",]/, "", $2); print $2; exit }')"

iqn="$(sed -n 's/^iscsi.target *= *//p' primary.conf)"
fio_iqn="${iqn//:/\\:}"
fio_portal="${primary_iscsi//:/\\:}"
cat <<INFO

twinblock pair running (pair state: ${pair_state:-unknown}); logs in $here/logs
  primary    iSCSI $primary_iscsi  admin $primary_admin  (ALUA active/optimized)
  secondary  iSCSI $secondary_iscsi  admin $secondary_admin  (ALUA active/non-optimized)
  target     $iqn, LUN 0 mirrored synchronously

Log in with open-iscsi (as root; dm-multipath then sees one disk through two paths):
  iscsiadm -m discovery -t sendtargets -p $primary_iscsi
  iscsiadm -m discovery -t sendtargets -p $secondary_iscsi
  iscsiadm -m node -T $iqn -p $primary_iscsi --login
  iscsiadm -m node -T $iqn -p $secondary_iscsi --login

libiscsi tools and fio (libiscsi engine; escape every ':' in fio's --filename):
  iscsi-inq iscsi://$primary_iscsi/$iqn/0
  iscsi-readcapacity16 iscsi://$secondary_iscsi/$iqn/0
  fio --ioengine=libiscsi --filename='iscsi\\://$fio_portal/$fio_iqn/0' ...

The pair's state:
  $twinblock status --admin $primary_admin     # primary: role, peer, link, sync state, progress
  $twinblock status --admin $secondary_admin     # secondary
  curl -s $secondary_admin/metrics | grep twinblock_mirror_

Failover (only when the primary is gone; refused while it is connected; commands carry the
node's admin token, which it created in its data dir):
  $twinblock promote --admin $secondary_admin --token-file $here/data/secondary/admin.token

Ctrl-C stops both nodes.
INFO

# Until Ctrl-C. A node that exits on its own is reported (which one, its exit code, its last log
# lines) and the other keeps running, so the README's failover steps can be tried.
names=(secondary primary)
set +e
while ((${#pids[@]})); do
    wait -n -p done_pid "${pids[@]}"
    code=$?
    left=()
    for i in "${!pids[@]}"; do
        if [[ "${pids[$i]}" == "$done_pid" ]]; then
            name="${names[$i]}"
        else
            left+=("${pids[$i]}")
            survivor="${names[$i]}"
        fi
    done
    pids=("${left[@]}")
    names=("$survivor")
    echo >&2
    echo "the $name stopped (exit code $code); the end of $here/logs/$name.log:" >&2
    tail -n 5 "logs/$name.log" >&2
    if ((${#pids[@]})); then
        echo "the $survivor keeps running; Ctrl-C stops it" >&2
    fi
done
echo "both nodes stopped; see $here/logs" >&2
exit "$code"
