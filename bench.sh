#!/usr/bin/env bash
# Runs the benchmarks (maps, event streams, object load, kernel BTF): JMH (Java, with -prof gc) and the C reference (gcc + libbpf) in one go,
# and prints every ratio one way: Java's rate as a multiple of C's (C time / Java time; above 1 Java is faster).
# As root. Usage: ./bench.sh [quick]   (DRAIN_ONLY=1 / LOAD_ONLY=1 ./bench.sh run the drain / object-load rows only)
set -euo pipefail
cd "$(dirname "$0")"
quick="${1:-}"
./mvnw -q -B -DskipTests package -pl bpf4j-bench -am >/dev/null
jdk=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
  if [ -n "$c" ] && [ -x "$c/bin/java" ] && "$c/bin/java" -version 2>&1 | grep -q '"25'; then jdk="$c"; break; fi
done
[ -n "$jdk" ] || { echo "bench.sh: no JDK 25 (JAVA_HOME, /usr/lib/jvm/*25*)" >&2; exit 1; }
out="bpf4j-bench/target/results"
mkdir -p "$out"
gcc -O2 -o "$out/map_bench" bpf4j-bench/c/map_bench.c -lbpf
gcc -O2 -o "$out/ringbuf_bench" bpf4j-bench/c/ringbuf_bench.c -lbpf
gcc -O2 -o "$out/load_bench" bpf4j-bench/c/load_bench.c -lbpf
gcc -O2 -o "$out/perfbuf_bench" bpf4j-bench/c/perfbuf_bench.c -lbpf
gcc -O2 -o "$out/btf_parse" bpf4j-bench/c/btf_parse.c -lbpf
gcc -O2 -o "$out/drain_bench" bpf4j-bench/c/drain_bench.c -lbpf
clang_bin=""; for c in clang-16 clang clang-17 clang-18 clang-19; do command -v "$c" >/dev/null && { clang_bin="$c"; break; }; done
[ -n "$clang_bin" ] || { echo "bench.sh: no clang for bpf4j-bench/bpf/drain_bench.bpf.c" >&2; exit 1; }
"$clang_bin" -g -O2 -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c bpf4j-bench/bpf/drain_bench.bpf.c -o "$out/drain_bench.bpf.o"
cp="bpf4j-bench/target/classes:$(cat bpf4j-bench/target/classpath.txt)"
java_run=("$jdk/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$cp")
if [ -n "${LOAD_ONLY:-}" ]; then # the object-load rows only (warm and cold)
  ./mvnw -q -B -o -pl bpf4j-core test-compile >/dev/null
  exec bash bpf4j-bench/load-bench.sh "$out" "$jdk"
fi

# Drains of mixed record sizes, small batches and idle polls (DrainBench against c/drain_bench.c, the same
# loop over the same object, both pinned to CPU 0). Both print the median over rounds of each round's ns per
# record (per poll for the idle rows) and the mean; the ratio uses medians, since on a shared machine a round
# the scheduler preempted moves a mean far more than the code does. Per group of rows: C, then each Java row
# in a JVM of its own, then C again. A row whose C medians differ by more than 10%, or by more than the row's
# own distance from 1.0, is REJECTED: the machine drifted more than the difference claimed.
drain_groups=("ring_same ring_alternating ring_spread" "perf_same perf_alternating perf_spread"
  "ring_batch100 ring_batch1000 ring_batch10000" "perf_batch100 perf_batch1000 perf_batch10000" "ring_idle perf_idle")
: > "$out/drain.txt"
for g in "${drain_groups[@]}"; do
  taskset -c 0 "$out/drain_bench" "$out/drain_bench.bpf.o" 5 $g | sed 's/^/cbefore /' >> "$out/drain.txt"
  for row in $g; do
    taskset -c 0 "${java_run[@]}" io.bpf4j.bench.DrainBench "$out/drain_bench.bpf.o" 5 "$row" | sed 's/^/java /' >> "$out/drain.txt"
    # The whole-ring rows again through consumeSpans (a place in the ring per record, no slice): ROW.span.
    case "$row" in *_same|*_alternating|*_spread)
      taskset -c 0 "${java_run[@]}" -Ddrainbench.spans=true io.bpf4j.bench.DrainBench "$out/drain_bench.bpf.o" 5 "$row" \
        | sed 's/^/java /' >> "$out/drain.txt";;
    esac
  done
  taskset -c 0 "$out/drain_bench" "$out/drain_bench.bpf.o" 5 $g | sed 's/^/cafter /' >> "$out/drain.txt"
done
echo "drains, $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/drain.txt" <<'PY'
import sys
c, java = {}, {}
for l in open(sys.argv[1]):
    side, row, median = l.split()[:3]  # then the mean and the minimum, not used here
    if side == 'java':
        java[row] = float(median)
    else:
        c.setdefault(row, {})[side] = float(median)
print(f"{'drain row (median ns)':<24} {'Java':>8} {'C before':>9} {'C after':>8} {'C drift':>8} {'rate Java/C':>11}")
for row, j in java.items():
    m = c[row.split('.')[0]]  # ROW.span is compared with C's ROW
    cm = (m['cbefore'] + m['cafter']) / 2
    drift = abs(m['cbefore'] - m['cafter']) / cm
    ratio = cm / j
    verdict = "REJECTED (C drifted more than 10% or than the difference)" if drift > min(0.10, abs(ratio - 1)) else ""
    print(f"{row:<24} {j:>8.2f} {m['cbefore']:>9.2f} {m['cafter']:>8.2f} {drift:>7.0%} {ratio:>11.2f} {verdict}")
PY
# When the reader hands space back: a producer writing without pause into a 256 KiB ring while the reader
# drains it; the share of records it dropped, per policy (bytes read between hand-backs; 1 = every record as
# libbpf, 1 GiB = once per drain as bpf4j did before).
for rb in 1 4096 1073741824; do
  taskset -c 0,1 "${java_run[@]}" -Dbpf4j.ringbuf.releaseBytes=$rb io.bpf4j.bench.DrainBench "$out/drain_bench.bpf.o" 10 small_drops
done
[ -n "${DRAIN_ONLY:-}" ] && exit 0
if [ "$quick" = quick ]; then jmh_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s); else jmh_opts=(-f 2 -wi 3 -w 2s -i 5 -r 2s); fi
"$jdk/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main MapBench "${jmh_opts[@]}" \
  -prof gc -rf json -rff "$out/jmh.json" > "$out/jmh.txt"
"$out/map_bench" 2000000 > "$out/c.txt"
# Ring buffer drain: single shots, each after a 1M-record fill.
"$out/ringbuf_bench" 8 > "$out/c-ringbuf-before.txt"
"$out/perfbuf_bench" 8 >> "$out/c-ringbuf-before.txt"
"$jdk/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main 'RingBufBench|PerfBufBench' -f 3 -wi 20 -i 10 \
  -prof gc -rf json -rff "$out/jmh-ringbuf.json" > "$out/jmh-ringbuf.txt"
"$out/ringbuf_bench" 8 > "$out/c-ringbuf-after.txt"
"$out/perfbuf_bench" 8 >> "$out/c-ringbuf-after.txt"
# The drains are memory-bound and this machine's memory speed drifts: C runs before and after
# the Java run, and the ratio uses the mean of the two (the drift is printed with the ring rows).
awk '{s[$1] += $2; c[$1]++} END {for (k in s) printf "%s %.2f\n", k, s[k] / c[k]}' \
  "$out/c-ringbuf-before.txt" "$out/c-ringbuf-after.txt" > "$out/c-ringbuf.txt"
# Object load, warm and cold (bpf4j-bench/load-bench.sh: its own table, with C before and after each
# Java block and drift rejection; it leaves jmh-load.json and c-load.txt for the summary below).
./mvnw -q -B -o -pl bpf4j-core test-compile >/dev/null
bash bpf4j-bench/load-bench.sh "$out" "$jdk" > /dev/null
# Kernel BTF: parse + find task_struct (libbpf btf__new), and the whole C header (bpftool's process, median of 11).
"$jdk/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main 'BtfParseBench.(parseAndFind|dump)' \
  "${jmh_opts[@]}" -prof gc -rf json -rff "$out/jmh-btf.json" > "$out/jmh-btf.txt"
"$out/btf_parse" 300 > "$out/c-btf.txt"
ms_of() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median_ms() { for _ in $(seq 11); do ms_of "$@"; done | sort -n | sed -n 6p | awk '{printf "%.1f", $1 / 1000}'; }
echo "dumpCHeader $(median_ms bpftool btf dump file /sys/kernel/btf/vmlinux format c)" >> "$out/c-btf.txt"
# Whole processes, bpf4j with and without JDK 25's AOT cache (trained once) against the C program:
# the vmlinux.h dump against bpftool (the cold object load is in load-bench.sh).
# The AOT cache needs a class path of jars only.
jar_cp="bpf4j-bench/target/bpf4j-bench-0.1.0-SNAPSHOT.jar:$(cat bpf4j-bench/target/classpath.txt)"
jcold=("$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar_cp")
rm -f "$out/vmlinux.aot"
"${jcold[@]}" -XX:AOTCacheOutput="$out/vmlinux.aot" io.bpf4j.bench.VmlinuxHeader > /dev/null 2>&1
{
  echo "whole processes, median of 11 ($(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)); rate ratio = C ms / bpf4j ms (above 1 bpf4j is faster)"
  c=$(median_ms bpftool btf dump file /sys/kernel/btf/vmlinux format c)
  j=$(median_ms "${jcold[@]}" io.bpf4j.bench.VmlinuxHeader)
  a=$(median_ms "${jcold[@]}" -XX:AOTCache="$out/vmlinux.aot" io.bpf4j.bench.VmlinuxHeader)
  echo "vmlinux.h: bpftool $c ms; bpf4j $j ms ($(awk "BEGIN {printf \"%.2f\", $c / $j}")x), with AOT cache $a ms ($(awk "BEGIN {printf \"%.2f\", $c / $a}")x)"
} > "$out/btf-process.txt"
"$jdk/bin/java" -XX:+UseSerialGC -cp "$cp" io.bpf4j.bench.BtfRetainedHeap >> "$out/btf-process.txt"
python3 - "$out/jmh.json" "$out/c.txt" "$out/jmh-ringbuf.json" "$out/c-ringbuf.txt" "$out/jmh-load.json" "$out/c-load.txt" \
  "$out/jmh-btf.json" "$out/c-btf.txt" <<'PY'
import json, sys
jmh = json.load(open(sys.argv[1])) + json.load(open(sys.argv[3])) + json.load(open(sys.argv[5])) + json.load(open(sys.argv[7]))
c = dict((l.split()[0], float(l.split()[1])) for f in (sys.argv[2], sys.argv[4], sys.argv[6], sys.argv[8]) for l in open(f) if l.strip())
for java_only in ("drainDecoded", "drainHandwritten", "drainDecodedKept", "drainDecodedArrayKept", "drainHandwrittenArrayKept"):
    c[java_only] = c["drainRaw"]  # every Java ring drain is compared with C's raw drain
for java_only in ("drainPerfDecoded", "drainPerfDecodedKept"):
    c[java_only] = c["drain"]  # and every perf drain with C's perf drain
print(f"{'operation':<32} {'Java':>11} {'±':>6} {'C':>9} {'rate Java/C':>11} {'B/op':>6}   (times: ns/op; us/op for openLoadClose; ms/op for BTF; rate = C time / Java time)")
for r in jmh:
    op = r["benchmark"].rsplit(".", 1)[1]
    if r.get("params", {}).get("object"):
        op += ":" + r["params"]["object"]
    m = dict(r["primaryMetric"])
    if r["mode"] == "sample":  # sampled times (LoadBench): the median
        m["score"] = m["scorePercentiles"]["50.0"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    print(f"{op:<32} {m['score']:>11.1f} {m['scoreError']:>6.1f} {c[op]:>9.1f} {c[op]/m['score']:>11.2f} {alloc:>6.1f}")
PY
cat "$out/btf-process.txt"
cat "$out/load-report.txt"
