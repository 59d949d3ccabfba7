#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine for bpf4j's build, tests and examples (run as root):
# installs the BPF toolchain when missing and mounts bpffs/tracefs when absent. Idempotent.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root: it installs packages and mounts bpffs/tracefs" >&2
  exit 1
fi

missing=()
# The tests call these exact names (clang-16, llvm-objcopy-16, llvm-readelf-16): an unsuffixed or other
# llvm (some images carry llvm-14 tools next to clang-16) does not stand in for them.
command -v clang-16 >/dev/null || missing+=(clang-16)
command -v llvm-objcopy-16 >/dev/null && command -v llvm-readelf-16 >/dev/null || missing+=(llvm-16)
[ -f /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
command -v bpftool >/dev/null || missing+=(bpftool)
command -v gcc >/dev/null || missing+=(gcc)
command -v ip >/dev/null || missing+=(iproute2)
command -v nm >/dev/null || missing+=(binutils)
command -v ping >/dev/null || missing+=(iputils-ping)
[ -f /usr/include/gelf.h ] || missing+=(libelf-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/x86_64-linux-gnu/sys/sdt.h ] || [ -f /usr/include/sys/sdt.h ] || missing+=(systemtap-sdt-dev)
command -v curl >/dev/null || command -v wget >/dev/null || missing+=(curl)
# bpf4j-observability's test scrapes its endpoint with a real Prometheus server
[ -x /usr/bin/prometheus ] || missing+=(prometheus)
# The kernel matrix (scripts/vm-test.sh boots other kernels in qemu): in CI, or when asked.
if [ "${CI:-}" = true ] || [ "${BPF4J_VM:-}" = 1 ]; then
  command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
  # the guest's initramfs has no libc: the static busybox
  { command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1; } || missing+=(busybox-static)
  command -v depmod >/dev/null || missing+=(kmod)
  command -v zstd >/dev/null || missing+=(zstd)
  command -v xz >/dev/null || missing+=(xz-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # wait for another apt (unattended upgrades, a parallel job) rather than fail on its lock
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# JDK 25: ./mvnw looks in JAVA_HOME, then /usr/lib/jvm/*25*. Say plainly when there is none.
if ! ls -d /usr/lib/jvm/*25* >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "setup.sh: no JDK 25 found (looked at JAVA_HOME and /usr/lib/jvm/*25*)." >&2
  echo "  install one, e.g. 'apt-get install temurin-25-jdk' from Adoptium's apt repository, or set JAVA_HOME" >&2
  exit 1
fi

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
if [ -d /sys/kernel/tracing ] && ! mountpoint -q /sys/kernel/tracing; then
  mount -t tracefs tracefs /sys/kernel/tracing || echo "setup.sh: could not mount tracefs (tracepoint tests will skip)" >&2
fi
if [ -d /sys/kernel/debug ] && ! mountpoint -q /sys/kernel/debug; then
  mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
fi
exit 0
