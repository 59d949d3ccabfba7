#!/usr/bin/env bash
# scripts/vm-matrix.sh [-o DIR] [-t SECS] [-b SECS] [-j N] KERNEL... [-- COMMAND...] - run the kernel
# tests (or COMMAND) in one guest per kernel (scripts/vm-test.sh), N at a time (default 1), then
# print per kernel: exit code, wall time, tests run/passed/failed/skipped and every skip's reason,
# then the tests skipped everywhere (host surefire reports and every guest: scripts/vm/skipped-everywhere.sh).
#   -o DIR   logs and test reports, one subdirectory per kernel (default target/vm-matrix)
#   -t SECS  time limit of each guest (default 2400)
#   -b SECS  time budget of the whole matrix: a guest never runs past it (default: none)
#   -j N     guests at once (each is one emulated CPU's worth of host CPU and -m of memory; with
#            N > 1 a guest's output is printed when it ends)
# Exits 0 only when every guest's command exited 0.
#   e.g. ./mvnw -B -o test-compile && scripts/vm-matrix.sh -j 2 5.10 6.1 6.12 7.3
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=$here/../target/vm-matrix TMO=2400 END="" JOBS=1
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "o:t:b:j:h" o; do
  case $o in
    o) OUT=$OPTARG ;; t) TMO=$OPTARG ;; b) END=$(( $(date +%s) + OPTARG )) ;; j) JOBS=$OPTARG ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
kernels=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do kernels+=("$1"); shift; done
[ ${#kernels[@]} -gt 0 ] || usage
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || usage
[ ${#kernels[@]} -gt 1 ] || JOBS=1 # one guest: stream its output
mkdir -p "$OUT"
# The guests share the host's build output: prepare it once, before any starts.
case "${2:-scripts/vm/guest-tests.sh}" in *guest-tests.sh|*guest-tests.sh\ *) "$here/vm/prepare-tests.sh" || exit 2 ;; esac

# one kernel: its guest, then its row for the summary in $OUT/$k/row and its exit code in $OUT/$k/rc
run_one() {
  local k=$1; shift
  local s t rc secs kver sum
  s=$(date +%s) t=$TMO
  [ -z "$END" ] || [ $((END - s)) -ge "$t" ] || t=$((END - s))
  if [ "$t" -lt 60 ]; then
    echo "vm-matrix: no time left for kernel $k (budget spent)"
    printf '%-8s not run: the time budget was spent\n' "$k" > "$OUT/$k/row"; echo 1 > "$OUT/$k/rc"; return
  fi
  "$here/vm-test.sh" -t "$t" -o "$OUT/$k" "$k" "$@" > "$OUT/$k/output.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - s ))
  kver=$(sed -n 's/^vm-test: kernel \([^ ]*\) .*/\1/p' "$OUT/$k/output.log" | head -1)
  sum=$("$here/vm/summary.sh" "$OUT/$k")
  printf '%-8s %-28s exit %-3s %4dm%02ds  %s\n' "$k" "${kver:-?}" "$rc" $((secs / 60)) $((secs % 60)) \
    "$(head -1 <<<"$sum")" > "$OUT/$k/row"
  { echo "$k ($kver):"; tail -n +2 <<<"$sum"; } > "$OUT/$k/details"
  echo "$rc" > "$OUT/$k/rc"
}

running=()
for k in "${kernels[@]}"; do
  rm -rf "${OUT:?}/$k"; mkdir -p "$OUT/$k"
  if [ "$JOBS" = 1 ]; then
    echo "==== vm-matrix: kernel $k ===="
    ( tail -n +1 -F "$OUT/$k/output.log" 2>/dev/null & tp=$!; run_one "$k" "$@"; sleep 1; kill $tp ) 
    continue
  fi
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  echo "==== vm-matrix: kernel $k started $(date -u +%H:%M:%S) ===="
  run_one "$k" "$@" &
  running+=("$k")
done
wait
if [ "$JOBS" != 1 ]; then
  for k in "${running[@]}"; do echo "==== vm-matrix: kernel $k ===="; cat "$OUT/$k/output.log"; done
fi
rcs=0
echo "==== vm-matrix summary ===="
for k in "${kernels[@]}"; do cat "$OUT/$k/row" 2>/dev/null; [ "$(cat "$OUT/$k/rc" 2>/dev/null)" = 0 ] || rcs=1; done
for k in "${kernels[@]}"; do sed '/^$/d' "$OUT/$k/details" 2>/dev/null; done
# A test skipped on the host (this build's surefire reports, when there are any) and in every
# guest proves nothing anywhere (issue 19): listed, for the lead to see.
reports=()
for k in "${kernels[@]}"; do [ -f "$OUT/$k/guest-tests.txt" ] && reports+=("$OUT/$k/guest-tests.txt"); done
if [ ${#reports[@]} -gt 0 ]; then
  sf=$here/../bpf4j-core/target/surefire-reports
  [ -d "$sf" ] || sf=-
  "$here/vm/skipped-everywhere.sh" "$sf" "${reports[@]}"
fi
exit $rcs
