#!/usr/bin/env bash
# scripts/vm-matrix.sh [-o DIR] [-t SECS] [-b SECS] KERNEL... [-- COMMAND...] - run the kernel tests (or
# COMMAND) in one guest per kernel (scripts/vm-test.sh), one after another, then print per kernel:
# exit code, wall time, tests run/passed/failed/skipped and the reason of every skip.
#   -o DIR   logs and test reports, one subdirectory per kernel (default target/vm-matrix)
#   -t SECS  time limit of each guest (default 2400)
#   -b SECS  time budget of the whole matrix: a guest never runs past it (default: none)
# Exits 0 only when every guest's command exited 0.
#   e.g. ./mvnw -B -o test-compile && scripts/vm-matrix.sh 5.10 6.12 newest
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=$here/../target/vm-matrix TMO=2400 END=""
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "o:t:b:h" o; do
  case $o in o) OUT=$OPTARG ;; t) TMO=$OPTARG ;; b) END=$(( $(date +%s) + OPTARG )) ;; *) usage ;; esac
done
shift $((OPTIND - 1))
kernels=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do kernels+=("$1"); shift; done
[ ${#kernels[@]} -gt 0 ] || usage
mkdir -p "$OUT"
rcs=0 lines=() details=()
for k in "${kernels[@]}"; do
  echo "==== vm-matrix: kernel $k ===="
  rm -rf "${OUT:?}/$k"; mkdir -p "$OUT/$k"
  s=$(date +%s) t=$TMO
  [ -z "$END" ] || [ $((END - s)) -ge "$t" ] || t=$((END - s))
  if [ "$t" -lt 60 ]; then
    echo "vm-matrix: no time left for kernel $k (budget spent)"; rcs=1
    lines+=("$(printf '%-8s not run: the time budget was spent' "$k")"); continue
  fi
  "$here/vm-test.sh" -t "$t" -o "$OUT/$k" "$k" "$@" 2>&1 | tee "$OUT/$k/output.log"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - s ))
  [ "$rc" = 0 ] || rcs=1
  kver=$(sed -n 's/^vm-test: kernel \([^ ]*\) .*/\1/p' "$OUT/$k/output.log" | head -1)
  sum=$("$here/vm/summary.sh" "$OUT/$k")
  lines+=("$(printf '%-8s %-28s exit %-3s %4dm%02ds  %s' "$k" "${kver:-?}" "$rc" $((secs / 60)) $((secs % 60)) "$(head -1 <<<"$sum")")")
  details+=("$k ($kver):" "$(tail -n +2 <<<"$sum")")
done
echo "==== vm-matrix summary ===="
printf '%s\n' "${lines[@]}"
printf '%s\n' "${details[@]}" | sed '/^$/d'
exit $rcs
