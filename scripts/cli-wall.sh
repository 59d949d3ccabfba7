#!/usr/bin/env bash
# scripts/cli-wall.sh - whole-process wall time of the bpf4j command against bpftool's, each
# command run N times (default 10) as a fresh process, median in milliseconds (issue 20's table).
#
#   scripts/cli-wall.sh [N]
#
# Needs the built command (./mvnw -pl bpf4j-cli -am package -DskipTests), bpftool and root. bpf4j
# runs twice: with the AOT cache its build made (lib/bpf4j.aot) and without it (BPF4J_AOT=off).
# The load average is printed first: on a busy machine every number is inflated.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
bpf4j=bpf4j-cli/target/bpf4j
[ -x "$bpf4j" ] || { echo "cli-wall: build the command first: ./mvnw -pl bpf4j-cli -am package -DskipTests" >&2; exit 2; }
bpftool=$(command -v bpftool || ls /usr/sbin/bpftool 2>/dev/null || true)
[ -n "$bpftool" ] || { echo "cli-wall: bpftool is not installed (scripts/setup.sh installs it)" >&2; exit 2; }
obj=$(ls bpf4j-core/target/test-classes/bpf/load_globals.bpf.o 2>/dev/null || true)

median_ms() { # command... -> median wall ms of n runs
  local times=()
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "cli-wall: failed: $*" >&2; return 1; }
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'
}

# A map to dump, made here (pinned, removed at exit): a hash of 16 entries, 4-byte keys, 8-byte values.
pin=/sys/fs/bpf/cli_wall_$$
"$bpftool" map create "$pin" type hash key 4 value 8 entries 16 name cli_wall
trap 'rm -f "$pin"' EXIT
for k in 1 2 3 4; do "$bpftool" map update pinned "$pin" key $k 0 0 0 value $k 0 0 0 0 0 0 0; done
map_id=$("$bpftool" -j map show pinned "$pin" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)

row() { # label, bpftool command or "", bpf4j args...
  local label=$1 theirs=$2; shift 2
  local aot noaot ref="-" ratio="-"
  aot=$(median_ms "$bpf4j" "$@")
  noaot=$(BPF4J_AOT=off median_ms "$bpf4j" "$@")
  if [ -n "$theirs" ]; then
    # shellcheck disable=SC2086
    ref=$(median_ms $theirs)
    ratio=$(awk -v a="$aot" -v r="$ref" 'BEGIN { printf "%.1f", (r > 0 ? a / r : 0) }')
  fi
  printf '| %-34s | %8s | %8s | %8s | %6s |\n' "$label" "$aot" "$noaot" "$ref" "$ratio"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), median of $n runs (ms, wall, whole process)"
printf '| %-34s | %8s | %8s | %8s | %6s |\n' "command" "bpf4j" "no AOT" "bpftool" "ratio"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "----------" "----------" "----------" "--------"
row "prog list" "$bpftool prog list" prog list
if [ -n "$map_id" ]; then
  row "map dump id $map_id" "$bpftool map dump id $map_id" map dump id "$map_id"
fi
row "btf dump vmlinux format c" "$bpftool btf dump file /sys/kernel/btf/vmlinux format c" btf dump vmlinux format c
if [ -n "$obj" ]; then
  row "object show load_globals.bpf.o" "" object show "$obj"
fi
echo "ratio: bpf4j (AOT cache) wall time / bpftool wall time; lower is better"
