#!/usr/bin/env bash
# scripts/vm/summary.sh DIR - count the tests of the surefire reports (TEST-*.xml) under DIR and
# list the skipped ones with their reasons: "tests N passed N failed N skipped N" on the first line.
set -euo pipefail
shopt -s nullglob
files=("$1"/TEST-*.xml "$1"/*/TEST-*.xml)
if [ ${#files[@]} = 0 ]; then echo "no test reports"; exit 0; fi
awk '
  function attr(s, a,   m) { return match(s, a "=\"[^\"]*\"") ? substr(s, RSTART + length(a) + 2, RLENGTH - length(a) - 3) : "" }
  function unxml(s) { gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
  /<testcase / { n++; cls = attr($0, "classname"); sub(/.*\./, "", cls); tc = cls "." attr($0, "name") }
  /<skipped/   { s++; skips[s] = tc ": " unxml(attr($0, "message")) }
  /<failure|<error / { f++; fails[f] = tc }
  END {
    printf "tests %d passed %d failed %d skipped %d\n", n, n - f - s, f, s
    for (i = 1; i <= f; i++) print "  FAILED  " fails[i]
    for (i = 1; i <= s; i++) print "  skipped " skips[i]
  }' "${files[@]}"
