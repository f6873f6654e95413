#!/usr/bin/env bash
# Builds a fio that speaks iSCSI (the libiscsi engine) from Debian's own fio source package.
#
# Why not Debian's fio binary: it is built without libiscsi, so `fio --enghelp` lacks the engine.
# Why Debian's source package: it is the exact fio (3.33 on bookworm) the distribution patches and
# supports, and it builds in about 20 s on two cores.
#
# The build lives OUTSIDE the source tree, in ${XDG_CACHE_HOME:-$HOME/.cache}/twinblock/fio (override
# with FIO_CACHE=...), and is done once: a later run that finds a working binary there only prints its
# path. The last line printed on stdout is always the path of the fio binary, so callers can do
#   FIO=$(examples/bench/build-fio.sh | tail -n1)
#
# Needs root (or sudo) only for apt: a deb-src entry, apt-get update, build dependencies.
set -euo pipefail

CACHE_DIR="${FIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/twinblock/fio}"
log() { printf 'build-fio: %s\n' "$*" >&2; }

# Marks a build with the engine fixes below; a cached binary without it is rebuilt.
FIXED=.twinblock-libiscsi-fixes-1

# A cached binary that lists the engine (and has our fixes) is the whole answer.
has_libiscsi_engine() {
  local bin="$1"
  [[ -x "$bin" ]] && "$bin" --enghelp 2>/dev/null | grep -qw libiscsi
}
cached_fio() {
  local d
  for d in "$CACHE_DIR"/fio-*/; do
    [[ -d "$d" && -e "$d$FIXED" ]] || continue
    if has_libiscsi_engine "${d}fio"; then
      printf '%s\n' "${d}fio"
      return 0
    fi
  done
  return 1
}

if bin=$(cached_fio); then
  log "reusing $bin"
  printf '%s\n' "$bin"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { log "need root or sudo for apt-get"; exit 1; }
  SUDO=(sudo)
fi

# 1. deb-src entry mirroring the existing Debian deb entry (same URIs and key), so `apt-get source`
#    fetches the source that matches the installed release. Only added when no deb-src is configured.
ensure_deb_src() {
  if grep -rqsE '^\s*(Types:.*deb-src|deb-src\s)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  local src=/etc/apt/sources.list.d/debian.sources
  local uri="http://deb.debian.org/debian" key="/usr/share/keyrings/debian-archive-keyring.gpg"
  local codename
  codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-bookworm}")
  if [[ -r "$src" ]]; then
    # Take the first stanza's URI and key: that is the main archive, not -security.
    uri=$(awk '/^URIs:/{print $2; exit}' "$src")
    key=$(awk '/^Signed-By:/{print $2; exit}' "$src")
  fi
  log "adding deb-src entry for $uri ($codename)"
  "${SUDO[@]}" tee /etc/apt/sources.list.d/twinblock-deb-src.sources >/dev/null <<EOF
Types: deb-src
URIs: $uri
Suites: $codename $codename-updates
Components: main
Signed-By: $key
EOF
}

ensure_deb_src
log "apt-get update"
"${SUDO[@]}" apt-get update -qq >&2
log "installing build dependencies"
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
  libiscsi-dev libaio-dev build-essential pkg-config dpkg-dev zlib1g-dev >&2

mkdir -p "$CACHE_DIR"
cd "$CACHE_DIR"
if ! compgen -G "fio-*/configure" >/dev/null; then
  log "apt-get source fio into $CACHE_DIR"
  # --download-only skips dpkg-source's build-dependency check; dpkg-source -x unpacks with patches.
  apt-get source --download-only fio >&2
  dsc=$(ls -1 fio_*.dsc | tail -n1)
  dpkg-source -x "$dsc" >&2
fi
srcdir=$(ls -1d fio-*/ | tail -n1)
cd "$srcdir"
# Two fixes to fio 3.33's libiscsi engine (engines/libiscsi.c), without which --fsync measures nothing:
# - its SYNCHRONIZE CACHE(16) asks for the LUN's size in BYTES as the number of blocks, beyond the
#   end of the medium, which a target that checks the range (SBC-3, as LIO and twinblock do) must
#   refuse with LBA OUT OF RANGE; 0 blocks means "to the end of the medium", the whole LUN;
# - a failed command set io_u->error to 1, which fio did not count for a sync: the refused flushes
#   passed as fast successful ones. EIO makes fio fail the job as for any I/O error.
sed -i -e 's/scsi_cdb_synchronizecache16(\s*$/scsi_cdb_synchronizecache16(0, 0, 0, 0); \/\* twinblock: was/' \
  -e 's/^\(\s*0, iscsi_lun->num_blocks \* iscsi_lun->block_size, 0, 0);\)$/\1 *\//' \
  -e 's/io_u->error = 1;/io_u->error = EIO;/' engines/libiscsi.c
grep -q 'scsi_cdb_synchronizecache16(0, 0, 0, 0)' engines/libiscsi.c && grep -q 'io_u->error = EIO;' engines/libiscsi.c \
  || { log "could not apply the libiscsi engine fixes to $PWD/engines/libiscsi.c (another fio version?)"; exit 1; }
log "configuring and building in $PWD"
# --disable-native: the binary must not depend on this CPU's extensions (the cache may be shared).
./configure --enable-libiscsi --disable-native >&2
make -j"$(nproc)" >&2

if ! has_libiscsi_engine ./fio; then
  log "built ./fio but it does not list the libiscsi engine (configure did not find libiscsi-dev?)"
  exit 1
fi
touch "$FIXED"
log "done: $PWD/fio"
printf '%s\n' "$PWD/fio"
