#!/usr/bin/env bash
# scripts/vm-test.sh - run bpf4j's kernel tests (or any command) in a qemu guest booting another
# kernel: a Debian kernel package, extracted (not installed), with this machine's root filesystem
# shared read-only over 9p under a tmpfs overlay, so the guest sees the host's JDK, clang, Maven
# cache and this working tree with its build output.
#
#   scripts/vm-test.sh [options] KERNEL [-- COMMAND [ARGS...]]
#
#   KERNEL     5.10 | 6.1 | 6.12 | ... (newest package of that series), newest, a linux-image-*
#              package, or "list" (the reachable kernels)
#   COMMAND    runs as root under bash in the guest, in this working tree (one argument: a shell
#              command line); default scripts/vm/guest-tests.sh (the kernel tests, offline, on the host's build output:
#              run ./mvnw -B -o test-compile, or verify, on the host first)
#   -o DIR     copy what the command wrote to $VM_OUT (the guest tests: guest-tests.txt, one line
#              a test) to DIR
#   -t SECS    stop the guest after SECS seconds (default 2400)
#   -m MEM     guest memory (default 4G)      -c CPUS   guest vCPUs (default 2)
#   -e N=V     export N=V in the guest (repeatable)
#   -v         print the guest kernel's console at the end (always printed when the guest dies)
#
# The command's output streams to stdout; the exit code is the command's (124: timed out, 255:
# the guest died without one, 2: a setup error, said on stderr). Needs qemu-system-x86,
# busybox-static and kmod (scripts/setup.sh installs them with CI=true or BPF4J_VM=1).
# Kernel packages, extracted trees and initramfs images are cached in $BPF4J_VM_CACHE
# (default /var/cache/bpf4j-vm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
log() { echo "vm-test: $*" >&2; }
die() { log "$*"; exit 2; }

MEM=4G CPUS=2 TMO=2400 OUT="" VERBOSE=0 ENVS=()
while getopts "o:t:m:c:e:vh" o; do
  case $o in
    o) OUT=$OPTARG ;; t) TMO=$OPTARG ;; m) MEM=$OPTARG ;; c) CPUS=$OPTARG ;;
    e) ENVS+=("$OPTARG") ;; v) VERBOSE=1 ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
KERNEL=$1; shift
if [ "$KERNEL" = list ]; then exec "$here/vm/kernel.sh" list; fi
if [ $# -gt 0 ]; then
  [ "$1" = -- ] || usage
  shift
fi
[ $# -gt 0 ] || set -- scripts/vm/guest-tests.sh
case $1 in # the guest's test launcher and class path are prepared on the host (no Maven in the guest)
  *guest-tests.sh|*guest-tests.sh\ *) "$here/vm/prepare-tests.sh" || exit 2 ;;
esac
[ "$(id -u)" = 0 ] || die "run as root (the guest shares / through qemu's 9p and runs the tests as root)"
command -v qemu-system-x86_64 >/dev/null || die "missing qemu-system-x86_64: apt-get install qemu-system-x86 (or BPF4J_VM=1 scripts/setup.sh)"

# ---- kernel and initramfs (cached; one preparer at a time per cache) ----------------------
CACHE=${BPF4J_VM_CACHE:-/var/cache/bpf4j-vm}
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9
KDIR=$("$here/vm/kernel.sh" "$KERNEL")
"$here/vm/initramfs.sh" "$KDIR"
flock -u 9
if [ -d "$KDIR/usr/lib/modules" ]; then MODROOT=$KDIR/usr/lib/modules; else MODROOT=$KDIR/lib/modules; fi
KVER=$(ls "$MODROOT" | head -1)
MODDIR=$MODROOT/$KVER
VMLINUZ=$KDIR/boot/vmlinuz-$KVER; [ -f "$VMLINUZ" ] || VMLINUZ=$MODDIR/vmlinuz
CONFIG=$KDIR/boot/config-$KVER;   [ -f "$CONFIG" ] || CONFIG=$MODDIR/config
[ -f "$VMLINUZ" ] || die "no kernel image (vmlinuz) in $KDIR"
grep -q '^CONFIG_9P_FS=[ym]' "$CONFIG" || die "$KVER has no 9p filesystem (CONFIG_9P_FS): take a non-cloud flavour"

# ---- accelerator ----------------------------------------------------------------------------
# KVM when it can run a stock kernel; /dev/kvm of the PVM flavour (these cloud machines) would
# run it through its instruction emulator, slower than TCG. TCG stays single-threaded: with
# multi-threaded TCG HotSpot crashed (SIGSEGV at patched compiled-method entries) in 2 of 2 runs.
if [ -c /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] && [ "${BPF4J_VM_ACCEL:-auto}" != tcg ]; then
  ACCEL=(-accel kvm -cpu host,-arch-capabilities)
else
  ACCEL=(-accel tcg,thread=single,tb-size=512 -cpu max)
fi

# ---- stage 2: what the guest runs after switching to the host's root ------------------------
RUN=$(mktemp -d "${TMPDIR:-/tmp}/bpf4j-vm.XXXXXX")
chmod 755 "$RUN"
mkdir -p "$RUN/out"
cp "$CONFIG" "$RUN/config"
{
  echo '#!/run/vm/busybox sh'
  echo 'b=/run/vm/busybox'
  echo '$b cut -d" " -f1 /proc/uptime > /run/vm/xfer/ready'
  echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb USER=root LOGNAME=root'
  echo 'export VM_OUT=/run/vm/xfer/out'
  echo '$b hostname vm; $b ip link set lo up'
  echo 'exec >/dev/hvc0 2>&1 </dev/null'
  echo '$b stty -F /dev/hvc0 -opost -echo  # no \n -> \r\n; hvc resets termios on its last close: stay open'
  # the guest kernel's config (Kconfig externs, bpftool) and modules where tools look for them
  printf '$b cp /run/vm/xfer/config /boot/config-%s\n' "$KVER"
  printf '$b mkdir -p /lib/modules; $b rm -rf /lib/modules/%s; $b ln -s %q /lib/modules/%s\n' "$KVER" "$MODDIR" "$KVER"
  # the host's settings the tests read (CI, strict skips) carry over into the guest
  for v in CI BPF4J_STRICT_SKIPS; do [ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"; done
  for e in ${ENVS[@]+"${ENVS[@]}"}; do printf 'export %q\n' "$e"; done
  # one argument is a shell command line; several are a command and its arguments
  if [ $# = 1 ]; then cmd=$1; else cmd=$(printf '%q ' "$@"); fi
  printf '/bin/bash -c %q vm\n' "cd $(printf %q "$repo") || exit 1; $cmd"
  echo 'echo $? > /run/vm/xfer/rc'
  echo '$b sync'
  echo '$b poweroff -f'
} > "$RUN/stage2"

APPEND="console=ttyS0 panic=-1 rdinit=/init"
# cgroup2 where the host has it (/sys/fs/cgroup/unified on a hybrid host), so paths in tests match
[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && APPEND="$APPEND vm.cgroup=hybrid"
[ $VERBOSE = 1 ] || APPEND="$APPEND quiet"

log "kernel $KVER (${KDIR##*/}), ${ACCEL[1]%%,*}, $CPUS vCPU, $MEM"
T0=$(date +%s)
set +e
timeout --foreground -k 10 "$TMO" qemu-system-x86_64 "${ACCEL[@]}" \
  -M pc -m "$MEM" -smp "$CPUS" -nodefaults -no-user-config -display none -no-reboot \
  -kernel "$VMLINUZ" -initrd "$KDIR/initramfs.cpio.gz" -append "$APPEND" \
  -serial "file:$RUN/console.log" \
  -device virtio-serial-pci -chardev stdio,id=out,signal=off -device virtconsole,chardev=out \
  -device virtio-rng-pci \
  -virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$RUN,mount_tag=xfer,security_model=none,multidevs=remap" \
  </dev/null 2> "$RUN/qemu.err"
QRC=$?
set -e
T1=$(date +%s)
if [ -f "$RUN/rc" ]; then RC=$(cat "$RUN/rc")
elif [ $QRC = 124 ] || [ $QRC = 137 ]; then RC=124; log "timed out after ${TMO}s"
else RC=255; fi
log "exit $RC; kernel $KVER; booted in $(cat "$RUN/ready" 2>/dev/null || echo -)s; $((T1 - T0))s in all"
if [ "$RC" = 255 ] || [ "$RC" = 124 ] || [ $VERBOSE = 1 ]; then
  [ -s "$RUN/qemu.err" ] && { log "qemu said:"; cat "$RUN/qemu.err" >&2; }
  log "guest console (last lines):"; tail -n 40 "$RUN/console.log" >&2
fi
if [ -n "$OUT" ]; then mkdir -p "$OUT"; cp -r "$RUN/out/." "$OUT/"; fi
rm -rf "$RUN"
exit "$RC"
