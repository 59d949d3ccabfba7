#!/usr/bin/env bash
# Compiles every src/test/bpf/*.bpf.c into OUT/NAME.bpf.o with clang's BPF target, as
# bpf4j-core's build.sh does (these programs need no vmlinux.h). Called by Maven.
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
for f in "$src"/*.bpf.c; do
  name="$(basename "$f" .c)"
  if [ ! "$out/$name.o" -nt "$f" ]; then
    "$clang_bin" -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$arch_inc" -c "$f" -o "$out/$name.o"
  fi
done
