#!/usr/bin/env bash
# Compiles the benchmark-only BPF objects (bpf4j-bench/bpf/*.bpf.c) into OUTDIR.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTDIR}"
mkdir -p "$out"
for f in "$src"/*.bpf.c; do
  name="$(basename "$f" .c)"
  [ "$out/$name.o" -nt "$f" ] || clang-16 -g -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$f" -o "$out/$name.o"
done
