#!/usr/bin/env bash
# scripts/vm/summary.sh DIR - the counts of DIR/guest-tests.txt (written by scripts/vm/GuestTests):
# "tests N passed N failed N skipped N" on the first line, then the failed tests and the
# skipped ones with their reasons, then the five slowest tests.
set -euo pipefail
f=$1/guest-tests.txt
[ -f "$f" ] || { echo "no test report"; exit 0; }
awk -F'\t' '
  { n++; c[$1]++ }
  $1 == "FAILED"  { fl[++nf] = "  FAILED  " $2 ": " substr($3, 1, 300) }
  $1 == "SKIPPED" { sk[++ns] = "  skipped " $2 ": " $3 }
  END {
    printf "tests %d passed %d failed %d skipped %d\n", n, c["PASSED"], c["FAILED"], c["SKIPPED"]
    for (i = 1; i <= nf; i++) print fl[i]
    for (i = 1; i <= ns; i++) print sk[i]
  }' "$f"
printf '  slowest:'; sort -t$'\t' -k4,4 -rn "$f" | head -5 | awk -F'\t' '{ printf " %s %ss;", $2, $4 } END { print "" }'
