#!/usr/bin/env bash
# Compiles the examples' BPF programs into OUT (packaged as class path resources bpf/*.bpf.o).
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTDIR}"
mkdir -p "$out"
clang_bin=""
for c in clang-16 clang clang-17 clang-18 clang-19 clang-15 clang-14; do
  if command -v "$c" >/dev/null; then clang_bin="$c"; break; fi
done
[ -n "$clang_bin" ] || { echo "build.sh: no clang found; run scripts/setup.sh (installs clang-16 and libbpf-dev)" >&2; exit 1; }
for f in "$src"/*.bpf.c; do
  name="$(basename "$f" .c)"
  "$clang_bin" -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"/usr/include/$(uname -m)-linux-gnu" -c "$f" -o "$out/$name.o"
done
