#!/usr/bin/env bash
# scripts/vm/kernel.sh KERNEL - download and extract a Debian kernel package for the test guests
# (scripts/vm-test.sh calls it); prints the directory of the extracted tree on stdout.
#
#   KERNEL  5.10 | 6.1 | 6.12 | ... : the newest Debian package of that series
#           newest                  : the newest amd64 kernel in any suite below
#           linux-image-...         : a package (a meta package such as linux-image-6.12-amd64
#                                     resolves to the linux-image-<abi> it depends on)
#           list                    : print the reachable kernel packages and exit
#
# Nothing is installed and the system's apt state is not touched: packages are read through a
# private apt configuration under $BPF4J_VM_CACHE (default /var/cache/bpf4j-vm) listing the Debian
# suites that carry the kernels (bullseye: 5.10, bookworm: 6.1 and 6.12, trixie and its backports:
# 6.12 up to the newest). Its package lists are refreshed once a day; downloaded packages and
# extracted trees stay cached, so a second run needs no network.
set -euo pipefail

CACHE=${BPF4J_VM_CACHE:-/var/cache/bpf4j-vm}
APT=$CACHE/apt
log() { echo "vm-kernel: $*" >&2; }
die() { log "$*"; exit 2; }

[ $# = 1 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
WANT=$1
for t in apt-get apt-cache dpkg-deb; do
  command -v $t >/dev/null || die "missing $t: the VM runner needs a Debian-based host (apt, dpkg)"
done
mkdir -p "$CACHE/debs" "$CACHE/kernels" "$APT/lists/partial" "$APT/cache/archives/partial"

APT_OPTS=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::status=/dev/null
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Languages=none
  -o Acquire::Retries=3)

# The Debian mirror this machine already uses (one-line or deb822 sources), else deb.debian.org.
mirror() { # $1: debian | debian-security
  local m
  m=$(grep -rhoE "https?://[^ ]+/$1/?( |\$)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
      grep -v snapshot | head -1 | tr -d ' ' || true)
  echo "${m:-http://deb.debian.org/$1}"
}

refresh_lists() {
  # at most once a day: kernels are replaced in the archive by newer ABIs, old ones disappear
  [ -n "$(find "$APT/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 -print -quit 2>/dev/null)" ] && return 0
  local base sec key=/usr/share/keyrings/debian-archive-keyring.gpg opt=""
  base=$(mirror debian) sec=$(mirror debian-security)
  [ -f "$key" ] && opt="[signed-by=$key] "
  {
    for s in bullseye bookworm bookworm-updates bookworm-backports trixie trixie-updates trixie-backports; do
      echo "deb $opt$base $s main"
    done
    for s in bullseye-security bookworm-security trixie-security; do echo "deb $opt$sec $s main"; done
  } > "$APT/sources.list"
  log "apt-get update of the kernel suites (private lists in $APT)"
  if ! apt-get "${APT_OPTS[@]}" update -qq > "$APT/update.log" 2>&1; then
    # a suite that moved away (e.g. an old release to archive.debian.org) must not hide the others
    log "apt-get update reported errors (see $APT/update.log); using what it fetched"
  fi
  ls "$APT/lists/"*Packages* >/dev/null 2>&1 || die "no package lists fetched (network?); see $APT/update.log"
}

# all amd64 kernel image packages (not meta, not -rt, not -cloud: no 9p there, not -dbg/-unsigned)
images() {
  apt-cache "${APT_OPTS[@]}" search --names-only '^linux-image-[0-9].*-amd64$' | awk '{print $1}' |
    grep -vE -- '-(rt|cloud)-amd64$' | grep -vE '^linux-image-[0-9]+\.[0-9]+-amd64$' | sort -uV
}

# meta package -> the concrete linux-image it depends on
concrete() {
  local p=$1 dep
  for _ in 1 2 3; do
    apt-cache "${APT_OPTS[@]}" show "$p" >/dev/null 2>&1 || return 1
    dep=$(apt-cache "${APT_OPTS[@]}" depends "$p" 2>/dev/null |
          sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -1)
    [ -n "$dep" ] || { echo "$p"; return 0; }
    p=$dep
  done
  return 1
}

refresh_lists
case $WANT in
  list) images; exit 0 ;;
  newest) PKG=$(images | tail -1) ;;
  [0-9]*.[0-9]*)
    re=${WANT//./\\.}
    PKG=$(images | grep -E "^linux-image-$re[.-]" | tail -1 || true) ;;
  linux-image-*) PKG=$(concrete "$WANT" || true) ;;
  *) die "bad kernel '$WANT': give a series (5.10, 6.1, 6.12), newest, or a linux-image-* package" ;;
esac
[ -n "${PKG:-}" ] || die "no Debian kernel package for '$WANT' (reachable ones: scripts/vm/kernel.sh list)"

KDIR=$CACHE/kernels/$PKG
fetch() { # package -> path of its .deb in the cache
  local deb
  deb=$(ls -t "$CACHE/debs/${1}_"*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    log "downloading $1"
    ( cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download "$1" > "$APT/download.log" 2>&1 ) ||
      die "apt-get download $1 failed: $(tail -1 "$APT/download.log")"
    deb=$(ls -t "$CACHE/debs/${1}_"*.deb | head -1)
  fi
  echo "$deb"
}
if [ ! -f "$KDIR/.extracted" ]; then
  rm -rf "$KDIR"; mkdir -p "$KDIR"
  deb=$(fetch "$PKG")
  dpkg-deb -x "$deb" "$KDIR"
  # from 6.16 on Debian splits a kernel into linux-binary-V (vmlinuz), linux-modules-V and
  # linux-base-V (config, System.map), all under /usr/lib/modules/V
  for dep in $(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' |
               sed -n 's/^ *\(linux-\(binary\|modules\|base\)-[^ ]*\).*/\1/p'); do
    dpkg-deb -x "$(fetch "$dep")" "$KDIR"
  done
  touch "$KDIR/.extracted"
fi
echo "$KDIR"
