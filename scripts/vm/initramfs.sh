#!/usr/bin/env bash
# scripts/vm/initramfs.sh KDIR - build KDIR/initramfs.cpio.gz for the kernel extracted in KDIR
# (by scripts/vm/kernel.sh): static busybox, scripts/vm/init, and the kernel's modules for
# virtio, 9p and overlayfs with their dependencies. Rebuilt only when init or this script change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KDIR=$1
log() { echo "vm-initramfs: $*" >&2; }
if [ -d "$KDIR/usr/lib/modules" ]; then MODROOT=$KDIR/usr/lib/modules; else MODROOT=$KDIR/lib/modules; fi
KVER=$(ls "$MODROOT" | head -1)
MODDIR=$MODROOT/$KVER
OUT=$KDIR/initramfs.cpio.gz
stamp=$(cat "$here/init" "$0" | sha256sum | cut -c1-16)
[ -f "$OUT" ] && [ "$(cat "$KDIR/initramfs.stamp" 2>/dev/null)" = "$stamp" ] && exit 0

BB=$(command -v busybox) || { log "missing busybox: apt-get install busybox-static"; exit 2; }
# the initramfs has no libc: busybox must be the static build
if ldd "$BB" >/dev/null 2>&1; then log "$BB is dynamically linked: apt-get install busybox-static"; exit 2; fi

# modules.dep, so that the guest can autoload modules (veth, sch_*, ...) with the host's modprobe
if [ ! -f "$MODDIR/modules.dep" ]; then
  command -v depmod >/dev/null || { log "missing depmod: apt-get install kmod"; exit 2; }
  depmod -b "${MODROOT%/lib/modules}" "$KVER"
fi

log "building the initramfs for $KVER"
IR=$(mktemp -d "$KDIR/ir.XXXXXX")
trap 'rm -rf "$IR"' EXIT
mkdir -p "$IR"/{bin,mods,proc,sys,dev,lower,upper,newroot}
cp "$BB" "$IR/bin/busybox"; ln -s busybox "$IR/bin/sh"
cp "$here/init" "$IR/init"; chmod 755 "$IR/init"

declare -A seen=()
order=()
unpack() { case $1 in *.xz) xz -dc "$1" ;; *.zst) zstd -dcq "$1" ;; *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac; }
add() { # module and, first, what it depends on (from its modinfo "depends=")
  local name=${1//-/_} f d
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  f=$(find "$MODDIR/kernel" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) -print -quit)
  if [ -z "$f" ]; then # built in, or missing (then the mount in init fails and says so)
    grep -qE "/${name//_/[-_]}\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null || log "module $name: neither built in nor found"
    return 0
  fi
  for d in $(unpack "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do add "$d"; done
  unpack "$f" > "$IR/mods/$name.ko"
  order+=("$name")
}
for m in virtio virtio_ring virtio_pci virtio_console virtio_rng 9pnet 9pnet_virtio 9p overlay; do add "$m"; done
printf '%s\n' "${order[@]}" > "$IR/mods/order"
( cd "$IR" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 ) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$stamp" > "$KDIR/initramfs.stamp"
