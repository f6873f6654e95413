#!/usr/bin/env bash
# What a pair allocates per mirrored write, exactly: objects and bytes by class on each node.
#
#   examples/bench/alloc-census.sh            # 50,000 4K random writes at QD32, both nodes
#   N=20000 BS=128k examples/bench/alloc-census.sh
#   STANDALONE=1 examples/bench/alloc-census.sh   # one node, no mirror: the primary's baseline
#
# Both nodes run with Epsilon GC (nothing is ever collected) and without TLABs, so a class
# histogram taken before and after N writes counts every object they made, not a sample. The
# hot path's goal (issue 14) is nothing per frame; this says what is left. Not a speed
# measurement: Epsilon and no TLABs change timing. Servers listen on 127.0.0.1 on free ports and
# are stopped on exit. JAR [target-server/target/target-server.jar], N [50000], BS [4k],
# STANDALONE [0].
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-"$ROOT/target-server/target/target-server.jar"}
N=${N:-50000}
BS=${BS:-4k}
STANDALONE=${STANDALONE:-0}
[[ -f $JAR ]] || { echo "no node jar at $JAR: mvn -B -q -Dmaven.test.skip=true package" >&2; exit 1; }
FIO=$("$HERE/build-fio.sh" | tail -n1)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

jvm=(-XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms4g -Xmx4g -XX:-UseTLAB)
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secret"
chmod 600 "$WORK/secret"
link=$(free_port) sport=$(free_port) sadmin=$(free_port) pport=$(free_port) padmin=$(free_port)
if [[ $STANDALONE == 1 ]]; then
  java "${jvm[@]}" -jar "$JAR" serve --iscsi.listen="127.0.0.1:$pport" --admin.listen="127.0.0.1:$padmin" \
    --data.dir="$WORK/p" --lun.0.size=1G >"$WORK/p.log" 2>&1 &
  PIDS+=($!)
else
  java "${jvm[@]}" -jar "$JAR" serve --iscsi.listen="127.0.0.1:$sport" --admin.listen="127.0.0.1:$sadmin" \
    --data.dir="$WORK/s" --lun.0.size=1G --mirror.role=secondary --mirror.listen="127.0.0.1:$link" \
    --mirror.secret-file="$WORK/secret" >"$WORK/s.log" 2>&1 &
  PIDS+=($!)
  java "${jvm[@]}" -jar "$JAR" serve --iscsi.listen="127.0.0.1:$pport" --admin.listen="127.0.0.1:$padmin" \
    --data.dir="$WORK/p" --lun.0.size=1G --mirror.role=primary --mirror.peer="127.0.0.1:$link" \
    --mirror.secret-file="$WORK/secret" >"$WORK/p.log" 2>&1 &
  PIDS+=($!)
fi
state=""
for ((i = 0; i < 600; i++)); do
  state=$(python3 "$HERE/lib/status.py" "$padmin" mirror.state 2>/dev/null) || state=""
  [[ ${state^^} == IN_SYNC || ($STANDALONE == 1 && -n $state) ]] && break
  sleep 0.2
done
[[ ${state^^} == IN_SYNC || ($STANDALONE == 1 && -n $state) ]] || { echo "pair not in sync (state '$state'); logs in $WORK" >&2; tail -5 "$WORK/p.log" >&2; exit 1; }
iqn=$(iscsi-ls "iscsi://127.0.0.1:$pport" 2>/dev/null | sed -n 's/^Target:\([^ ]*\).*/\1/p' | head -n1)
url="iscsi\\://127.0.0.1\\:$pport/${iqn//:/\\:}/0"
writes() { "$FIO" --name=census --ioengine=libiscsi --filename="$url" --direct=1 --rw=randwrite --bs="$BS" \
  --iodepth=32 --size=256M --number_ios="$1" >/dev/null; }

writes 20000 # warm: code paths, pools and the JIT's first tiers
for p in "${PIDS[@]}"; do jcmd "$p" GC.class_histogram -all >"$WORK/before-$p.txt"; done
writes "$N"
for p in "${PIDS[@]}"; do jcmd "$p" GC.class_histogram -all >"$WORK/after-$p.txt"; done
for p in "${PIDS[@]}"; do
  name=secondary; [[ $p == "${PIDS[-1]}" ]] && name=primary; [[ $STANDALONE == 1 ]] && name=standalone
  python3 - "$WORK/before-$p.txt" "$WORK/after-$p.txt" "$N" "$name" "$BS" <<'PY'
import re, sys
def histogram(path):
    counts = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            counts[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return counts
before, after, n = histogram(sys.argv[1]), histogram(sys.argv[2]), int(sys.argv[3])
rows = sorted(((b - before.get(k, (0, 0))[1], c - before.get(k, (0, 0))[0], k) for k, (c, b) in after.items()), reverse=True)
print('%s: %.0f bytes and %.1f objects per %s write' % (sys.argv[4], sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sys.argv[5]))
for size, count, name in rows:
    if count / n >= 0.05:
        print('  %7.1f B %5.2f  %s' % (size / n, count / n, re.sub(r'\$\$Lambda.*', '$$Lambda', name)))
PY
done
