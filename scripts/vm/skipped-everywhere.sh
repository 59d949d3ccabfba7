#!/usr/bin/env bash
# scripts/vm/skipped-everywhere.sh SUREFIRE_DIR GUEST_REPORT... - the tests that skipped in every
# environment: on the host (SUREFIRE_DIR: bpf4j-core/target/surefire-reports, or "-" for none) and
# in each guest (GUEST_REPORT: a guest-tests.txt of scripts/vm/GuestTests). A test a guest did not
# run (scripts/vm/host-only-tests) counts as skipped there. Such a test proves nothing anywhere:
# a defect (issue 19, item 3). Prints "skipped everywhere: N" then one line a test with a reason.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
host=$1; shift
# One "ENV<TAB>STATUS<TAB>Class.method[index]<TAB>reason" a line; parameterized tests keep only
# their index (the host says "m(MapType)[3]", a guest "m[3] HASH").
{
  if [ "$host" != - ] && [ -d "$host" ]; then
    for x in "$host"/TEST-*.xml; do
      [ -e "$x" ] || continue
      awk -v OFS='\t' '
        function flush() { if (key != "") print "host", (sk ? "SKIPPED" : "RAN"), key, why; key = "" }
        /<testcase / {
          flush()
          n = $0; sub(/.* name="/, "", n); sub(/".*/, "", n)
          c = $0; sub(/.* classname="/, "", c); sub(/".*/, "", c); sub(/.*\./, "", c)
          sub(/\([^)]*\)/, "", n); key = c "." n; sk = 0; why = ""
        }
        /<skipped/ {
          sk = 1; why = $0
          if (why ~ /message="/) { sub(/.*message="/, "", why); sub(/".*/, "", why) }
          else { sub(/.*CDATA\[/, "", why); sub(/^[A-Za-z0-9_.]*Exception: /, "", why) }
        }
        END { flush() }' "$x"
    done
  fi
  i=0
  for g in "$@"; do
    i=$((i + 1))
    [ -f "$g" ] || continue
    awk -F'\t' -v OFS='\t' -v env="guest$i" '{
        k = $2; if (match(k, /\[[0-9]+\]/)) k = substr(k, 1, RSTART + RLENGTH - 1)
        print env, ($1 == "SKIPPED" ? "SKIPPED" : "RAN"), k, $3
      }' "$g"
  done
} | awk -F'\t' '
  $2 == "RAN" { ran[$3] = 1 }
  $2 == "SKIPPED" && !($3 in why) { why[$3] = $4 }
  $2 == "SKIPPED" { seen[$3] = 1 }
  END {
    n = 0
    for (k in seen) if (!(k in ran)) { n++; line[n] = "  " k ": " substr(why[k], 1, 200) }
    print "skipped everywhere (host and every guest): " n
    for (i = 1; i <= n; i++) print line[i] | "sort"
  }'
