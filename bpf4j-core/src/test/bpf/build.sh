#!/usr/bin/env bash
# Compiles every src/test/bpf/*.bpf.c into OUT/NAME.bpf.o with clang's BPF target.
# Called by Maven (generate-test-resources); .ci/run installs clang and libbpf-dev.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTDIR}"
mkdir -p "$out"
clang_bin=""
for c in clang-16 clang clang-17 clang-18 clang-19 clang-15 clang-14; do
  if command -v "$c" >/dev/null; then clang_bin="$c"; break; fi
done
if [ -z "$clang_bin" ]; then
  echo "build.sh: no clang found; install clang-16 (and libbpf-dev for the BPF headers)" >&2
  exit 1
fi
arch_inc="/usr/include/$(uname -m)-linux-gnu"
# CO-RE programs include "vmlinux.h": the running kernel's types as C, generated at build time
# from its BTF. Without bpftool or kernel BTF those programs are skipped with a warning.
gen="$out/include"
mkdir -p "$gen"
if [ ! -s "$gen/vmlinux.h" ] && [ -r /sys/kernel/btf/vmlinux ] && command -v bpftool >/dev/null; then
  bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h.tmp" && mv "$gen/vmlinux.h.tmp" "$gen/vmlinux.h"
fi
shopt -s nullglob
for f in "$src"/*.bpf.c; do
  name="$(basename "$f" .c)"
  if grep -q '#include "vmlinux.h"' "$f" && [ ! -s "$gen/vmlinux.h" ]; then
    echo "build.sh: skipping $name (needs vmlinux.h: install bpftool, kernel BTF)" >&2
    continue
  fi
  if [ ! "$out/$name.o" -nt "$f" ] || [ "$src/include" -nt "$out/$name.o" ] 2>/dev/null; then
    # A source marked "bpf4j-build: no -g" is compiled without debug info (no .BTF/.BTF.ext).
    dbg="-g"; if grep -q 'bpf4j-build: no -g' "$f"; then dbg=""; fi
    "$clang_bin" $dbg -O2 -target bpf -D__TARGET_ARCH_x86 -I"$src/include" -I"$gen" -I"$arch_inc" -c "$f" -o "$out/$name.o"
  fi
done
