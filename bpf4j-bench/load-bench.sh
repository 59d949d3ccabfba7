#!/usr/bin/env bash
# The object-load rows of bench.sh (issue 14): warm open + load + close (JMH LoadBench against
# c/load_bench.c), libbpf's kernel-BTF read alone, and whole cold processes (bpf4j with and without
# a JDK 25 AOT cache against libbpf's process). Every ratio is a rate ratio, C time / bpf4j time:
# above 1.00 bpf4j is faster. C runs before and after each Java block; a row whose two C medians
# differ by more than the row's own distance from 1.00 is REJECTED (the machine drifted more than
# the difference claimed, so even the direction is not shown). Run by bench.sh (LOAD_ONLY=1 ./bench.sh runs only this),
# as root, after the bench module and bpf4j-core's test objects are built:
#   bpf4j-bench/load-bench.sh OUT_DIR JDK_HOME
# Writes jmh-load.json, c-load.txt (the mean of the two C runs, for bench.sh's summary) and
# load-report.txt (the tables) in OUT_DIR, and prints the report.
set -euo pipefail
out="${1:?usage: load-bench.sh OUT_DIR JDK_HOME}"
jdk="${2:?usage: load-bench.sh OUT_DIR JDK_HOME}"
cd "$(dirname "$0")/.."
gcc -O2 -o "$out/load_bench" bpf4j-bench/c/load_bench.c -lbpf
bpfdir="bpf4j-core/target/test-classes/bpf"
cp="bpf4j-bench/target/classes:$(cat bpf4j-bench/target/classpath.txt)"
stamp() { echo "$(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
report="$out/load-report.txt"
: > "$report"

# Warm: load_tc has no CO-RE (libbpf reads no kernel BTF for it: like with like); the others have
# CO-RE, where libbpf reads and parses the kernel's BTF on every load and bpf4j once per JVM (the
# kernelBtfRead row shows that share of libbpf's time). JMH sampled times, warmed 10 x 2 s (the
# measured iterations must have stopped falling), -prof gc for the allocation per load; C: median of
# 200 (load_tc) or 30 loads.
load_objects="load_tc load_core_exec load_core_values load_probes"
c_load() { for o in $load_objects; do "$out/load_bench" "$bpfdir/$o.bpf.o" "$o" "$([ "$o" = load_tc ] && echo 200 || echo 30)"; done; }
echo "warm open+load+close, start $(stamp)" >> "$report"
c_load > "$out/c-load-before.txt"
"$jdk/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -Dbpf4j.bpf.dir="$bpfdir" -cp "$cp" \
  org.openjdk.jmh.Main LoadBench -f 1 -wi 10 -w 2s -i 5 -r 2s -prof gc -rf json -rff "$out/jmh-load.json" > "$out/jmh-load.txt"
c_load > "$out/c-load-after.txt"
awk '{s[$1] += $2; c[$1]++} END {for (k in s) printf "%s %.2f\n", k, s[k] / c[k]}' "$out/c-load-before.txt" "$out/c-load-after.txt" > "$out/c-load.txt"
"$out/load_bench" --kernel-btf 30 > "$out/c-kernel-btf.txt"
echo "warm open+load+close, end $(stamp)" >> "$report"
python3 - "$out/jmh-load.json" "$out/c-load-before.txt" "$out/c-load-after.txt" "$out/c-kernel-btf.txt" >> "$report" <<'PY'
import json, sys
jmh = json.load(open(sys.argv[1]))
before = dict((l.split()[0], float(l.split()[1])) for l in open(sys.argv[2]) if l.strip())
after = dict((l.split()[0], float(l.split()[1])) for l in open(sys.argv[3]) if l.strip())
print(f"{'object (median us)':<28} {'bpf4j':>8} {'C before':>9} {'C after':>8} {'C drift':>8} {'rate C/bpf4j':>12} {'B/load':>8}")
for r in jmh:
    op = "openLoadClose:" + r["params"]["object"]
    j = r["primaryMetric"]["scorePercentiles"]["50.0"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    c = (before[op] + after[op]) / 2
    drift = abs(before[op] - after[op]) / c
    ratio = c / j
    verdict = "REJECTED (C drifted more than the difference)" if drift > abs(ratio - 1) else ""
    print(f"{r['params']['object']:<28} {j:>8.1f} {before[op]:>9.1f} {after[op]:>8.1f} {drift:>7.0%} {ratio:>12.2f} {alloc:>8.0f} {verdict}")
k = open(sys.argv[4]).read().split()
print(f"libbpf's kernel BTF read alone (btf__load_vmlinux_btf + free, part of each libbpf CO-RE load): {k[1]} us (median)")
PY

# Cold: whole processes, wall time from the shell, median of 11: libbpf's "load_bench FILE NAME 0"
# (one read + load + close) against io.bpf4j.bench.ColdLoad, without and with an AOT cache trained
# on the same command (the cache needs a class path of jars only). C before and after.
ms_of() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median_ms() { for _ in $(seq 11); do ms_of "$@"; done | sort -n | sed -n 6p | awk '{printf "%.1f", $1 / 1000}'; }
jar_cp="bpf4j-bench/target/bpf4j-bench-0.1.0-SNAPSHOT.jar:$(cat bpf4j-bench/target/classpath.txt)"
jcold=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar_cp")
cold_obj="$bpfdir/load_core_exec.bpf.o"
rm -f "$out/coldload.aot"
"${jcold[@]}" -XX:AOTCacheOutput="$out/coldload.aot" io.bpf4j.bench.ColdLoad "$cold_obj" > /dev/null 2>&1
echo "cold whole processes, start $(stamp)" >> "$report"
cb=$(median_ms "$out/load_bench" "$cold_obj" load_core_exec 0)
j=$(median_ms "${jcold[@]}" io.bpf4j.bench.ColdLoad "$cold_obj")
a=$(median_ms "${jcold[@]}" -XX:AOTCache="$out/coldload.aot" io.bpf4j.bench.ColdLoad "$cold_obj")
ca=$(median_ms "$out/load_bench" "$cold_obj" load_core_exec 0)
# The first load's own time inside the JVM (ColdLoad prints it), and the process's CPU time
# (user + sys, less sensitive to a loaded machine than wall time): medians of 5.
first() { for _ in 1 2 3 4 5; do "${jcold[@]}" "$@" io.bpf4j.bench.ColdLoad "$cold_obj" 2>&1 | awk '{print $3}'; done | sort -n | sed -n 3p; }
cpu() { for _ in 1 2 3 4 5; do /usr/bin/time -f '%U %S' "${jcold[@]}" "$@" io.bpf4j.bench.ColdLoad "$cold_obj" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f\n", ($1 + $2) * 1000}'; done | sort -n | sed -n 3p; }
fj=$(first); fa=$(first -XX:AOTCache="$out/coldload.aot")
uj=$(cpu); ua=$(cpu -XX:AOTCache="$out/coldload.aot")
echo "cold whole processes, end $(stamp)" >> "$report"
python3 - "$cb" "$ca" "$j" "$a" "$fj" "$fa" "$uj" "$ua" >> "$report" <<'PY'
import sys
cb, ca, j, a, fj, fa, uj, ua = (float(x) for x in sys.argv[1:])
c = (cb + ca) / 2
drift = abs(cb - ca) / c
print(f"{'cold read+load+close, load_core_exec':<40} {'ms':>8} {'C before':>9} {'C after':>8} {'C drift':>8} {'rate C/bpf4j':>12}")
for name, v in (("bpf4j, no AOT cache", j), ("bpf4j, AOT cache", a)):
    ratio = c / v
    verdict = "REJECTED (C drifted more than the difference)" if drift > abs(ratio - 1) else ""
    print(f"{name:<40} {v:>8.1f} {cb:>9.1f} {ca:>8.1f} {drift:>7.0%} {ratio:>12.3f} {verdict}")
print(f"first load inside the JVM (read + load + close, ColdLoad's timer, median of 5): {fj:.1f} ms, with AOT cache {fa:.1f} ms")
print(f"CPU time (user + sys) of the whole bpf4j process, median of 5: {uj:.0f} ms, with AOT cache {ua:.0f} ms")
PY
cat "$report"
