#!/usr/bin/env bash
# twinblock benchmark: tgt (file and null backends) vs our node standalone vs our pair, same run, fio over iSCSI.
#
#   examples/bench/run.sh                 # default run, about 20 minutes on 2 cores
#   QUICK=1 examples/bench/run.sh         # about one minute smoke run (1 repetition, 2 s cells)
#   PROFILE=1 examples/bench/run.sh       # also record the standalone node and both pair nodes with JFR
#
# Environment (defaults in brackets):
#   RUNTIME [10s]      fio runtime per repetition        REPS [3]        repetitions per cell
#   WARMUP [20s]       4K random read/write after the fill, then half as long 128K writes, per
#                      system (JIT, caches: the compiler settles after some 15 s of 4K writes)
#   LUN_SIZE [1G]      size of every system's LUN         SYSTEMS ["tgt tgt-null standalone pair"]
#                      ("tgt-null": tgt with --bstype null, no storage: the protocol's floor here;
#                      also "pair-nocap": the pair with record.capacity=0, every write a record miss;
#                      "pair-tls": the pair with mirror.tls=on, certificates from examples/mirror-tls;
#                      "pair-nocp": the pair with consistency points off, cp.enabled=false;
#                      "pair-ramsecondary": the secondary's files in /dev/shm, so the two nodes'
#                      fdatasyncs do not queue on one disk, as they do not on two machines)
#   CELLS [all]        space separated cell names to run (see CELL_DEFS below)
#   OUT [examples/bench/results/<date>-<commit>]          results folder
#   JAVA_OPTS []       extra JVM options for our nodes    BUILD [auto]    1: always mvn package, 0: never
#   JAR [target-server/target/target-server.jar]  the node jar to measure (BUILD=0 to use another build)
#   ("standalone-pinned", "pair-pinned": two machines of one CPU each, as far as 2 CPUs allow:
#   fio and the standalone node or the primary on CPU 0, the secondary alone on CPU 1; what
#   mirroring costs the node hosts talk to when its peer does not share its CPUs)
#   BEFORE_JAR []      an older node jar, measured in the same run as "standalone-before" and
#                      "pair-before" (e.g. SYSTEMS="standalone pair standalone-before pair-before"):
#                      before and after a change, interleaved, on one machine at one load
#   BENCH_TMPDIR [/tmp] where the temporary volumes go    KEEP_TMP [0]    1: keep volumes and logs
#
# Servers listen on 127.0.0.1 only, on free ports. Everything started here is stopped on exit, on
# failure and on Ctrl-C (by PID). Output: OUT/RESULTS.md (the table), OUT/raw/ (fio JSON), OUT/logs/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${JAR:-"$ROOT/target-server/target/target-server.jar"}
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- parameters
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  RUNTIME=${RUNTIME:-2s}; REPS=${REPS:-1}; WARMUP=${WARMUP:-2s}
else
  RUNTIME=${RUNTIME:-10s}; REPS=${REPS:-3}; WARMUP=${WARMUP:-20s}
fi
LUN_SIZE=${LUN_SIZE:-1G}
SYSTEMS=${SYSTEMS:-"tgt tgt-null standalone pair"}
PROFILE=${PROFILE:-0}
BUILD=${BUILD:-auto}
KEEP_TMP=${KEEP_TMP:-0}
JAVA_OPTS=${JAVA_OPTS:-}
TGT_IQN=iqn.2026-11.net.twinblock.bench:tgt

# The matrix: name|label|fio rw|block size|queue depth|extra fio options. Writes come before reads of
# the same size so reads hit written data.
CELL_DEFS=(
  "randwrite-4k-qd1|4K rand write QD1|randwrite|4k|1|"
  "randwrite-4k-qd32|4K rand write QD32|randwrite|4k|32|"
  "randwrite-4k-qd1-fsync|4K rand write QD1 + SYNC CACHE each|randwrite|4k|1|--fsync=1"
  "randwrite-4k-qd32-fsync|4K rand write QD32 + SYNC CACHE each|randwrite|4k|32|--fsync=1"
  "randread-4k-qd32|4K rand read QD32|randread|4k|32|"
  "randrw70-4k-qd32|4K rand 70/30 r/w QD32|randrw|4k|32|--rwmixread=70"
  "seqwrite-128k-qd8|128K seq write QD8|write|128k|8|"
  "seqread-128k-qd8|128K seq read QD8|read|128k|8|"
)
if [[ -n ${CELLS:-} ]]; then
  selected=()
  for def in "${CELL_DEFS[@]}"; do
    [[ " $CELLS " == *" ${def%%|*} "* ]] && selected+=("$def")
  done
  ((${#selected[@]})) || die "CELLS='$CELLS' names no cell; known: $(printf '%s ' "${CELL_DEFS[@]%%|*}")"
  CELL_DEFS=("${selected[@]}")
fi

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain -- '*/src/*' '*pom.xml' 2>/dev/null) ]]; then
  COMMIT="$COMMIT+dirty"
fi
OUT=${OUT:-"$HERE/results/$(date +%Y%m%d-%H%M)-${COMMIT//+/-}"}
mkdir -p "$OUT/raw" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/twinblock-bench.XXXXXX")

# ---------------------------------------------------------------- cleanup (by PID, never by name)
# SYS_PIDS[system] = the target processes measured for that system; STARTED = every PID we started.
declare -A SYS_PIDS=() SYS_STATUS=() SYS_NOTE=() SYS_URL=()
# SYS_FIO_CPU[system] = the CPU fio is pinned to for that system (taskset), if any.
declare -A SYS_FIO_CPU=()
STARTED=()
TGT_CONTROLS=()  # the private control port of every tgtd we started
SECONDARY_ADMIN=""

# True while PID is still the process we started: alive and our child. A PID that exited long ago
# may have been reused by someone else's process, which we must never signal.
is_our_child() {
  local s
  # read, not $(<file): under set -e a failed $(<file) ends the whole script.
  { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*) }
  local -a f=($s)
  [[ ${f[1]} == "$$" && ${f[0]} != Z ]]
}

stop_pid() {  # stop_pid PID [grace seconds]: SIGTERM, then SIGKILL if it lingers
  local pid=$1 grace=${2:-15} i
  is_our_child "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    is_our_child "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "PID $pid ignored SIGTERM for ${grace}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  # tgtd stays up on SIGTERM while it has targets: take them offline and ask it to exit first.
  local pid ctl
  for ctl in "${TGT_CONTROLS[@]}"; do
    tgtadm -C "$ctl" --op update --mode sys --name State -v offline >/dev/null 2>&1
    tgtadm -C "$ctl" --lld iscsi --mode target --op delete --force --tid 1 >/dev/null 2>&1
    tgtadm -C "$ctl" --mode system --op delete >/dev/null 2>&1
  done
  for pid in "${STARTED[@]}"; do stop_pid "$pid"; done
  # tgtd leaves its control socket behind; it is ours, so tidy it.
  for ctl in "${TGT_CONTROLS[@]}"; do
    rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
  done
  if [[ $KEEP_TMP == 1 ]]; then
    log "kept volumes in $WORK${RAM_WORK:+ and $RAM_WORK}"
  else
    rm -rf "$WORK" ${RAM_WORK:+"$RAM_WORK"}
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- helpers
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU ticks (utime+stime) a process has used so far; /proc/PID/stat totals all its threads.
cpu_ticks() {
  local s
  { read -r s <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return; }
  s=${s##*) }            # the command name may hold spaces: fields after ") " start at field 3
  local -a f=($s)
  echo $((f[11] + f[12]))  # fields 14 and 15
}

# CPU ticks per thread of a process, one "group<TAB>ticks" line per thread; the group is the
# thread's name without its number ("twinblock-io-13" -> "twinblock-io"), so a report can say which
# kind of thread the CPU went to (names are cut to 15 characters by the kernel).
thread_ticks() {
  local t s name
  for t in /proc/"$1"/task/*; do
    { read -r name <"$t/comm" && read -r s <"$t/stat"; } 2>/dev/null || continue
    name=${name%"${name##*[!0-9]}"}; name=${name%[- #]}
    s=${s##*) }
    local -a f=($s)
    printf '%s\t%s\n' "$name" $((f[11] + f[12]))
  done
}

# fio's filename for an iSCSI LUN: every ':' escaped, as fio splits filenames on ':'.
iscsi_filename() {  # iscsi_filename HOST:PORT IQN LUN
  local url="iscsi://$1/$2/$3"
  printf '%s' "${url//:/\\:}"
}

wait_for_log() {  # wait_for_log PID LOGFILE PATTERN SECONDS: 0 ready, 1 exited, 2 timeout
  local pid=$1 file=$2 pattern=$3 secs=$4 i
  for ((i = 0; i < secs * 10; i++)); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 2
}

mark_na() {  # mark_na SYSTEM REASON
  SYS_STATUS[$1]=na
  SYS_NOTE[$1]=$2
  log "$1: n/a ($2)"
}

# ---------------------------------------------------------------- prerequisites
ensure_tools() {
  local missing=()
  command -v tgtd >/dev/null || missing+=(tgt)
  command -v iscsi-ls >/dev/null || missing+=(libiscsi-bin)
  command -v python3 >/dev/null || missing+=(python3)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  FIO=$("$HERE/build-fio.sh" | tail -n1)
  [[ -x $FIO ]] || die "build-fio.sh did not produce a fio binary"
}

ensure_jar() {
  local need=0
  case $BUILD in
    1) need=1 ;;
    0) need=0 ;;
    *) if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT" -path '*/src/main/*' -newer "$JAR" -print -quit) ]] \
          || [[ $ROOT/pom.xml -nt $JAR ]]; then need=1; fi ;;
  esac
  if ((need)); then
    log "building the node jar (mvn -B -q -Dmaven.test.skip=true package)"
    if ! (cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true package) >"$OUT/logs/mvn-package.log" 2>&1; then
      log "mvn package failed, see $OUT/logs/mvn-package.log"
      if [[ -f $JAR ]]; then log "using the existing, older $JAR"; fi
    fi
  fi
  return 0
}

# ---------------------------------------------------------------- systems under test
# Each system has start_<name> (sets SYS_URL, SYS_PIDS, SYS_NOTE, or calls mark_na).

# bstype rdwr: plain pread/pwrite on the file through the page cache, like our FileVolume.
start_tgt() { start_tgt_as tgt rdwr; }
# bstype null: tgt answers every command without touching storage (reads return zeros): what the
# protocol alone costs on this machine, the floor our node's latency is compared to. tgt gives a
# null LUN a fixed 1 TiB; fio's --size keeps the I/O within LUN_SIZE like every other system.
start_tgt-null() { start_tgt_as tgt-null null; }

start_tgt_as() {  # start_tgt_as SYSTEM BSTYPE: one private tgtd per system
  local sys=$1 bstype=$2 port dir="$WORK/$1" try pid ctl
  mkdir -p "$dir"
  truncate -s "$LUN_SIZE" "$dir/lun.img"
  for try in 1 2 3 4 5; do
    port=$(free_port)
    # -C: a private control socket, so we never talk to (or collide with) another tgtd. Skip a
    # number whose socket exists: tgtadm would configure that other tgtd instead of ours.
    ctl=$((2000 + RANDOM % 30000))
    while [[ -e /var/run/tgtd/socket.$ctl || -e /var/run/tgtd/socket.$ctl.lock ]]; do
      ctl=$((2000 + RANDOM % 30000))
    done
    tgtd -f --iscsi "portal=127.0.0.1:$port" -C "$ctl" >"$OUT/logs/$sys.log" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    TGT_CONTROLS+=("$ctl")
    local i
    for ((i = 0; i < 50; i++)); do
      tgtadm -C "$ctl" --mode sys --op show >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    log "$sys: tgtd did not start (try $try): $(tail -n1 "$OUT/logs/$sys.log")"
    wait "$pid" 2>/dev/null || true
    unset 'STARTED[-1]' 'TGT_CONTROLS[-1]'
  done
  kill -0 "$pid" 2>/dev/null || { mark_na "$sys" "tgtd did not start, see logs/$sys.log"; return; }
  tgtadm -C "$ctl" --lld iscsi --mode target --op new --tid 1 --targetname "$TGT_IQN"
  tgtadm -C "$ctl" --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 \
    --bstype "$bstype" --backing-store "$dir/lun.img"
  tgtadm -C "$ctl" --lld iscsi --mode target --op bind --tid 1 --initiator-address ALL
  SYS_PIDS[$sys]=$pid
  SYS_URL[$sys]=$(iscsi_filename "127.0.0.1:$port" "$TGT_IQN" 1)
  SYS_NOTE[$sys]="tgtd $(dpkg-query -W -f='${Version}' tgt 2>/dev/null || echo '?'), LUN 1 bstype $bstype, 127.0.0.1:$port"
  SYS_STATUS[$sys]=ok
}

# Starts one node process: start_node NAME LOGFILE extra-args... ; sets NODE_PID, NODE_PORT, NODE_ADMIN.
start_node() {
  local name=$1 logf=$2; shift 2
  local dir="${NODE_DATA_BASE:-$WORK}/$name" jvm=()
  mkdir -p "$dir"
  NODE_PORT=$(free_port)
  NODE_ADMIN=$(free_port)
  local admin=$NODE_ADMIN
  # shellcheck disable=SC2206
  jvm=($JAVA_OPTS)
  # Profile every node: the standalone node and both of the pair's.
  if [[ $PROFILE == 1 && ($name == standalone || $name == primary || $name == secondary) ]]; then
    jvm+=("-XX:StartFlightRecording=filename=$OUT/profile/$name.jfr,settings=profile,dumponexit=true")
    mkdir -p "$OUT/profile"
  fi
  local pin=()
  [[ -n ${NODE_CPU:-} ]] && pin=(taskset -c "$NODE_CPU")  # the JVM then sizes its pools for 1 CPU
  "${pin[@]}" java "${jvm[@]}" -jar "${NODE_JAR:-$JAR}" serve --iscsi.listen="127.0.0.1:$NODE_PORT" --admin.listen="127.0.0.1:$admin" \
    --data.dir="$dir" --lun.0.size="$LUN_SIZE" "$@" >"$logf" 2>&1 &
  NODE_PID=$!
  STARTED+=("$NODE_PID")
}

# The node's IQN, by SendTargets discovery: the script needs no knowledge of the node's naming.
discover_iqn() {  # discover_iqn PORT
  iscsi-ls "iscsi://127.0.0.1:$1" 2>/dev/null | sed -n 's/^Target:\([^ ]*\).*/\1/p' | head -n1
}

node_ready() {  # node_ready SYSTEM PID LOGFILE: 0 when ready, else marks the system n/a
  local sys=$1 pid=$2 logf=$3 rc=0
  wait_for_log "$pid" "$logf" "twinblock node ready" 60 || rc=$?
  case $rc in
    0) return 0 ;;
    1) if grep -q "unknown key" "$logf"; then
         mark_na "$sys" "$(grep -m1 -o 'config error:.*' "$logf" | tr '|' '/')"
       else
         mark_na "$sys" "node exited: $(grep -v '^\s*at ' "$logf" | tail -n1 | tr '|' '/' | cut -c1-120)"
       fi ;;
    *) mark_na "$sys" "node not ready after 60 s" ;;
  esac
  return 1
}

start_standalone() { start_standalone_as standalone; }
# The same node and pair from BEFORE_JAR, in the same run.
start_standalone-before() { NODE_JAR=$BEFORE_JAR start_standalone_as standalone-before; }
start_pair-before() { NODE_JAR=$BEFORE_JAR start_pair_as pair-before before-; }

# Two one-CPU machines, as far as two CPUs allow (see SYSTEMS above).
start_standalone-pinned() { SYS_FIO_CPU[standalone-pinned]=0; NODE_CPU=0 start_standalone_as standalone-pinned; }
start_pair-pinned() { SYS_FIO_CPU[pair-pinned]=0; PRIMARY_CPU=0 SECONDARY_CPU=1 start_pair_as pair-pinned pinned-; }

start_standalone_as() {  # start_standalone_as SYSTEM
  local sys=$1 jar=${NODE_JAR:-$JAR}
  [[ -f $jar ]] || { mark_na "$sys" "no node jar $jar (mvn package failed? see logs/mvn-package.log)"; return; }
  NODE_JAR=$jar start_node "$sys" "$OUT/logs/$sys.log"
  local pid=$NODE_PID port=$NODE_PORT iqn
  node_ready "$sys" "$pid" "$OUT/logs/$sys.log" || return 0
  iqn=$(discover_iqn "$port")
  [[ -n $iqn ]] || { mark_na "$sys" "node ready but SendTargets discovery returned no target"; return; }
  SYS_PIDS[$sys]=$pid
  SYS_URL[$sys]=$(iscsi_filename "127.0.0.1:$port" "$iqn" 0)
  SYS_NOTE[$sys]="one node${NODE_JAR:+ from $NODE_JAR}, LUN 0, 127.0.0.1:$port ($iqn)"
  SYS_STATUS[$sys]=ok
}

# The pair: host -> primary -> secondary, synchronous. Until the jar knows mirror.role the node
# refuses the key ("config error: mirror.role: unknown key") and the column reads n/a.
start_pair() { start_pair_as pair ""; }
# The same pair with an empty predictive record: every write updates the record on both nodes
# (always-miss), the cost the record's hits save.
start_pair-nocap() { start_pair_as pair-nocap nocap- --record.capacity=0; }
# The same pair with consistency points off (on by default, DESIGN 6): the secondary applies each
# journaled write at once instead of holding them for the next point (every second, at 64M, after
# a host flush) and making its volume durable there.
start_pair-nocp() { start_pair_as pair-nocp nocp- --cp.enabled=false; }
# The same pair with the mirror link over TLS 1.3 (on loopback TLS is off by default): what
# encrypting the link costs. Both nodes present one certificate their CA signed.
start_pair-tls() {
  "$ROOT/examples/mirror-tls/make-pair-certs.sh" "$WORK/tls" node >/dev/null
  start_pair_as pair-tls tls- --mirror.tls=on --mirror.tls.keystore="$WORK/tls/node.p12" \
    --mirror.tls.keystore-password-file="$WORK/tls/node.p12.password" --mirror.tls.trust-file="$WORK/tls/ca.pem"
}

# The pair with the secondary's files in RAM (/dev/shm): one machine has one disk, so the pair's
# two fdatasyncs per flush queue on it one after the other, where two machines run them at once.
# Its fdatasync then costs nothing, so this is the flush as if the disks were apart, less the
# secondary's own fdatasync (which on equal disks would overlap the primary's): a diagnosis, not a goal.
start_pair-ramsecondary() {
  [[ -n ${RAM_WORK:-} ]] || RAM_WORK=$(mktemp -d /dev/shm/twinblock-bench.XXXXXX)
  SECONDARY_DATA_BASE=$RAM_WORK start_pair_as pair-ramsecondary ramsecondary-
}

start_pair_as() {  # start_pair_as SYSTEM NODE_NAME_PREFIX extra-node-args...
  local pair=$1 pre=$2; shift 2
  [[ -f ${NODE_JAR:-$JAR} ]] || { mark_na "$pair" "no node jar ${NODE_JAR:-$JAR}"; return; }
  local secret="$WORK/${pre}mirror.secret" link
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret"
  chmod 600 "$secret"
  link=$(free_port)
  NODE_CPU=${SECONDARY_CPU:-} NODE_DATA_BASE=${SECONDARY_DATA_BASE:-} start_node "${pre}secondary" "$OUT/logs/$pair-secondary.log" \
    --mirror.role=secondary --mirror.listen="127.0.0.1:$link" --mirror.secret-file="$secret" "$@"
  local spid=$NODE_PID
  if ! node_ready "$pair" "$spid" "$OUT/logs/$pair-secondary.log"; then
    [[ ${SYS_NOTE[$pair]} == *"mirror.role: unknown key"* ]] && SYS_NOTE[$pair]="mirroring not built"
    return 0
  fi
  [[ $pair == pair ]] && SECONDARY_ADMIN=$NODE_ADMIN  # frames are shown for the default pair only
  NODE_CPU=${PRIMARY_CPU:-} start_node "${pre}primary" "$OUT/logs/$pair-primary.log" \
    --mirror.role=primary --mirror.peer="127.0.0.1:$link" --mirror.secret-file="$secret" "$@"
  local ppid=$NODE_PID pport=$NODE_PORT padmin=$NODE_ADMIN iqn state="" i
  node_ready "$pair" "$ppid" "$OUT/logs/$pair-primary.log" || return 0
  # Measure only a pair in sync: a primary still copying to (or waiting for) its secondary is not
  # the synchronous steady state the goals are about.
  for ((i = 0; i < 3000; i++)); do
    state=$(python3 "$HERE/lib/status.py" "$padmin" mirror.state 2>/dev/null) || state=""
    [[ ${state^^} == IN_SYNC ]] && break
    kill -0 "$ppid" 2>/dev/null && kill -0 "$spid" 2>/dev/null || break
    ((i % 100 == 0)) && log "$pair: primary reports mirror state '${state:-no answer}', waiting for IN_SYNC"
    sleep 0.1
  done
  [[ ${state^^} == IN_SYNC ]] || { mark_na "$pair" "pair not in sync after 300 s (state '${state:-no answer}')"; return 0; }
  iqn=$(discover_iqn "$pport")
  [[ -n $iqn ]] || { mark_na "$pair" "primary ready but SendTargets discovery returned no target"; return; }
  SYS_PIDS[$pair]="$ppid $spid"
  SYS_URL[$pair]=$(iscsi_filename "127.0.0.1:$pport" "$iqn" 0)
  SYS_NOTE[$pair]="${NODE_JAR:+from $NODE_JAR: }primary 127.0.0.1:$pport -> secondary over 127.0.0.1:$link, LUN 0 ($iqn), in sync${*:+, $*}"
  SYS_STATUS[$pair]=ok
}

# ---------------------------------------------------------------- fio
seconds() {  # seconds 10s|2m|30 -> whole seconds
  case $1 in
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

# A target that stops answering must not hang the run: fio gets its runtime plus a minute, then
# SIGINT (fio still writes its JSON), then SIGKILL.
run_fio() {  # run_fio SYSTEM OUTPUT_JSON LIMIT_SECONDS fio-args...: one fio job against SYSTEM's LUN
  local sys=$1 json=$2 limit=$3; shift 3
  local pin=()
  [[ -n ${SYS_FIO_CPU[$sys]:-} ]] && pin=(taskset -c "${SYS_FIO_CPU[$sys]}")
  timeout --signal=INT --kill-after=10 "$limit" "${pin[@]}" "$FIO" --name="$sys" --ioengine=libiscsi --filename="${SYS_URL[$sys]}" --direct=1 \
    --lat_percentiles=1 --unified_rw_reporting=both --output-format=json --output="$json" "$@" \
    >"$json.log" 2>&1
}

# Fill the whole LUN once so every system reads real, allocated data (a sparse file reads faster
# than a written one and would flatter whoever gets more holes), then warm the JIT and caches.
prepare_system() {
  local sys=$1 rc=0
  log "$sys: filling $LUN_SIZE and warming up ($WARMUP)"
  run_fio "$sys" "$OUT/raw/$sys-fill.json" 600 --rw=write --bs=1m --iodepth=8 --size="$LUN_SIZE" || rc=$?
  if ((rc == 0)); then
    run_fio "$sys" "$OUT/raw/$sys-warmup.json" $(($(seconds "$WARMUP") + 60)) --rw=randrw --rwmixread=50 --bs=4k --iodepth=32 \
      --time_based --runtime="$WARMUP" || rc=$?
  fi
  if ((rc == 0)); then
    # Large writes take other code (the mirror's large-write frames): warm those too, or the first
    # 128K cell pays the JIT compiler's CPU (see "Where the CPU goes").
    run_fio "$sys" "$OUT/raw/$sys-warmup-seq.json" $(($(seconds "$WARMUP") / 2 + 60)) --rw=write --bs=128k --iodepth=8 \
      --time_based --runtime="$(($(seconds "$WARMUP") / 2))s" || rc=$?
  fi
  if ((rc != 0)); then
    mark_na "$sys" "fio failed during fill/warm-up: $(grep -m1 -iE 'error|fail' "$OUT/raw/$sys-"*.json.log | cut -d: -f2- | tr '|' '/' | cut -c1-120)"
  fi
}

# The secondary's count of mirrored writes and the frames they took, small-write and large-write
# path apart (DESIGN section 3): "smallWrites smallFrames largeWrites largeFrames".
secondary_frames() {
  python3 "$HERE/lib/status.py" "$SECONDARY_ADMIN" mirror.frames.smallWrites mirror.frames.smallFrames \
    mirror.frames.largeWrites mirror.frames.largeFrames 2>/dev/null
}

measure_cell() {  # measure_cell SYSTEM CELLDEF REP
  local sys=$1 def=$2 rep=$3 name label rw bs qd extra
  IFS='|' read -r name label rw bs qd extra <<<"$def"
  local json="raw/$sys/$name-rep$rep.json" pid before=() ticks=() rc=0 i=0 frames_before="" frames_after=""
  mkdir -p "$OUT/raw/$sys"
  if [[ $sys == pair ]]; then frames_before=$(secondary_frames) || frames_before=""; fi
  local threads_before=()
  for pid in ${SYS_PIDS[$sys]}; do before+=("$(cpu_ticks "$pid")"); threads_before+=("$(thread_ticks "$pid")"); done
  # shellcheck disable=SC2086
  run_fio "$sys" "$OUT/$json" $(($(seconds "$RUNTIME") + 60)) --rw="$rw" --bs="$bs" --iodepth="$qd" --time_based --runtime="$RUNTIME" \
    --size="$LUN_SIZE" --randrepeat=0 $extra || rc=$?
  # fio does not count every failed command (a refused SYNCHRONIZE CACHE passed as a fast one before
  # build-fio.sh fixed the engine): any CHECK CONDITION the engine logged fails the repetition.
  if [[ $rc == 0 ]] && grep -q 'iscsi: request failed' "$OUT/$json.log" 2>/dev/null; then rc=refused; fi
  for pid in ${SYS_PIDS[$sys]}; do
    ticks+=($(($(cpu_ticks "$pid") - before[i])))
    # Per thread group, this node's ticks over the repetition (a thread gone meanwhile counts 0).
    awk -F'\t' -v pre="$sys\t$name\t$rep\t$json\t$i" 'NR == FNR {b[$1] += $2; next} {a[$1] += $2}
      END {for (g in a) if (a[g] - b[g] > 0) printf "%s\t%s\t%d\n", pre, g, a[g] - b[g]}' \
      <(printf '%s\n' "${threads_before[i]}") <(thread_ticks "$pid") >>"$OUT/threads.tsv"
    i=$((i + 1))
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$sys" "$name" "$rep" "$json" "$(IFS=,; echo "${ticks[*]}")" "$rc" \
    >>"$OUT/samples.tsv"
  if [[ -n $frames_before ]] && frames_after=$(secondary_frames); then
    printf '%s\t%s\t%s\t%s\n' "$name" "$rep" "$frames_before" "$frames_after" >>"$OUT/frames.tsv"
  fi
  for pid in ${SYS_PIDS[$sys]}; do
    if ! kill -0 "$pid" 2>/dev/null; then
      SYS_STATUS[$sys]=failed
      SYS_NOTE[$sys]="target process $pid died during $name rep $rep, see logs/"
      log "$sys: ${SYS_NOTE[$sys]}"
      break
    fi
  done
  log "$sys $name rep $rep: fio rc=$rc"
}

# ---------------------------------------------------------------- the run
log "results in $OUT"
ensure_tools
case " $SYSTEMS " in *" standalone "* | *" pair "* | *" pair-nocap "* | *" pair-tls "* | *" pair-nocp "* | *" pair-ramsecondary "*) ensure_jar ;; esac

for sys in $SYSTEMS; do
  declare -F "start_$sys" >/dev/null || die "unknown system '$sys' (known: tgt tgt-null standalone pair pair-nocap pair-tls pair-nocp pair-ramsecondary standalone-before pair-before standalone-pinned pair-pinned)"
  log "starting $sys"
  "start_$sys"
  [[ ${SYS_STATUS[$sys]:-na} == ok ]] && prepare_system "$sys"
done

# Other work on the machine skews everything: record the load so a reader can judge the spread.
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "measuring loopback RTT"
read -r RTT_MEDIAN RTT_MEAN _ _ < <(python3 "$HERE/lib/rtt.py")

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$COMMIT"
  echo "nproc=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -r)"
  echo "mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "tmp_fs=$(df -T "$WORK" | awk 'NR == 2 {print $2}')"
  echo "fio_version=$("$FIO" --version)"
  echo "java_version=$(java -version 2>&1 | head -n1)"
  echo "runtime=$RUNTIME"
  echo "reps=$REPS"
  echo "warmup=$WARMUP"
  echo "lun_size=$LUN_SIZE"
  echo "quick=$QUICK"
  echo "profile=$PROFILE"
  echo "clk_tck=$(getconf CLK_TCK)"
  echo "rtt_median_us=$RTT_MEDIAN"
  echo "rtt_mean_us=$RTT_MEAN"
  echo "load_start=$LOAD_START"
} >"$OUT/meta.env"
printf '%s\n' "${CELL_DEFS[@]}" | awk -F'|' -v OFS='\t' '{print $1, $2, $3, $4, $5}' >"$OUT/cells.tsv"
: >"$OUT/samples.tsv"
: >"$OUT/frames.tsv"
: >"$OUT/threads.tsv"

# Repetitions interleave the systems (and rotate who goes first), so a slow minute on this shared
# machine hurts every system alike instead of one column.
ok_systems() {
  local s
  for s in $SYSTEMS; do
    if [[ ${SYS_STATUS[$s]:-na} == ok ]]; then printf '%s ' "$s"; fi
  done
  return 0
}
for def in "${CELL_DEFS[@]}"; do
  for ((rep = 1; rep <= REPS; rep++)); do
    read -r -a running <<<"$(ok_systems)"
    n=${#running[@]}
    for ((k = 0; k < n; k++)); do
      measure_cell "${running[$(((k + rep - 1) % n))]}" "$def" "$rep"
    done
  done
done

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.env"
{
  for sys in $SYSTEMS; do
    printf '%s\t%s\t%s\n' "$sys" "${SYS_STATUS[$sys]:-na}" "${SYS_NOTE[$sys]:-not started}"
  done
} >"$OUT/systems.tsv"
python3 "$HERE/lib/report.py" "$OUT" >"$OUT/RESULTS.md"

if [[ $PROFILE == 1 ]]; then
  # JFR writes its recording when the JVM exits.
  for sys in standalone pair; do
    [[ ${SYS_STATUS[$sys]:-na} == na ]] && continue
    log "stopping $sys so JFR writes its recording"
    for pid in ${SYS_PIDS[$sys]}; do stop_pid "$pid" 60; done
  done
  for name in standalone primary secondary; do
    jfr_file="$OUT/profile/$name.jfr"
    [[ -s $jfr_file ]] || continue
    jfr print --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample "$jfr_file" \
      | python3 "$HERE/lib/jfr_top.py" 25 "$name" >"$OUT/profile/top-frames-$name.md"
    log "profile summary: $OUT/profile/top-frames-$name.md"
  done
fi

log "done: $OUT/RESULTS.md"
cat "$OUT/RESULTS.md"
