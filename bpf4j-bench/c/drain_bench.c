// The C reference of DrainBench: libbpf drains the streams of bpf/drain_bench.bpf.o exactly as
// DrainBench drains them with bpf4j. Usage: drain_bench OBJECT ROUNDS ROW...; prints "ROW median mean min"
// per row (ns per record: the median over rounds of each round's, the mean and the minimum). Rows: {ring,perf}_{same,alternating,spread} (a ring filled with N records, then one
// consume, timed; the mean over ROUNDS after one warm-up round) and {ring,perf}_batch{100,1000,10000}
// (K records written, then one poll, which sees the kernel's wake-up and drains them, timed; over
// enough rounds for 200,000 records, after a tenth as many warm-up rounds) and {ring,perf}_idle (the
// fixed cost of a poll: polls with a zero timeout of an empty buffer, ns per poll).
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long sink, seen;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int on_record(void *ctx, void *data, size_t size)
{
    sink += *(long *)data;
    seen++;
    return 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
    sink += *(long *)data;
    seen++;
}

static void fill(struct bpf_object *obj, const char *prog, int n)
{
    char pkt[64] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = n);
    if (bpf_prog_test_run_opts(bpf_program__fd(bpf_object__find_program_by_name(obj, prog)), &opts)) {
        perror("test run");
        exit(1);
    }
}

/* Records a fill of the whole-ring rows writes: each fits its 64 MiB ring / 32 MiB perf ring. */
static int fill_count(const char *row)
{
    if (strstr(row, "spread"))
        return strncmp(row, "perf", 4) == 0 ? 80000 : 100000;
    return 200000;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: drain_bench OBJECT ROUNDS ROW...\n");
        return 2;
    }
    libbpf_set_print(NULL);
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj || bpf_object__load(obj)) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    int rounds = atoi(argv[2]);
    struct ring_buffer *rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "ring"), on_record, NULL, NULL);
    struct perf_buffer *pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "perf"), 8192, on_sample, NULL,
                                              NULL, NULL);
    if (!rb || !pb) {
        perror("ring_buffer__new/perf_buffer__new");
        return 1;
    }
    for (int a = 3; a < argc; a++) {
        const char *row = argv[a];
        int perf = strncmp(row, "perf", 4) == 0;
        const char *batch = strstr(row, "_batch");
        double total = 0;
        long records = 0;
        /* Per-round ns per record; the median is what bench.sh compares (robust to preempted rounds). */
        double *per = NULL;
        int nper = 0;
        if (strstr(row, "_idle")) {
            /* The fixed cost of a poll: 1,000 polls with a zero timeout of an empty buffer per round. */
            int measured = 200, warm = 20;
            per = calloc(measured, sizeof(double));
            for (int r = 0; r < warm + measured; r++) {
                double t0 = now_ns();
                for (int i = 0; i < 1000; i++) {
                    if (perf)
                        perf_buffer__poll(pb, 0);
                    else
                        ring_buffer__poll(rb, 0);
                }
                double t = now_ns() - t0;
                if (r >= warm) {
                    per[nper++] = t / 1000;
                    total += t;
                    records += 1000;
                }
            }
        } else if (batch) {
            int k = atoi(batch + 6);
            char prog[32];
            snprintf(prog, sizeof(prog), "%s_same", perf ? "perf" : "ring");
            int measured = 200000 / k, warm = measured / 10;
            per = calloc(measured, sizeof(double));
            for (int r = 0; r < warm + measured; r++) {
                fill(obj, prog, k);
                seen = 0;
                double t0 = now_ns();
                while (seen < k) {
                    if (perf)
                        perf_buffer__poll(pb, 1000);
                    else
                        ring_buffer__poll(rb, 1000);
                }
                double t = now_ns() - t0;
                if (r >= warm) {
                    per[nper++] = t / seen;
                    total += t;
                    records += seen;
                }
            }
        } else {
            int n = fill_count(row);
            per = calloc(rounds, sizeof(double));
            for (int r = 0; r < rounds + 1; r++) {
                fill(obj, row, n);
                seen = 0;
                double t0 = now_ns();
                if (perf)
                    perf_buffer__consume(pb);
                else
                    ring_buffer__consume(rb);
                double t = now_ns() - t0;
                if (seen != n) {
                    fprintf(stderr, "%s: %ld records of %d\n", row, seen, n);
                    return 1;
                }
                if (r > 0) { /* round 0 warms up */
                    per[nper++] = t / seen;
                    total += t;
                    records += seen;
                }
            }
        }
        qsort(per, nper, sizeof(double), cmp_double);
        printf("%s %.2f %.2f %.2f\n", row, per[nper / 2], total / records, per[0]);
        free(per);
        fflush(stdout);
    }
    ring_buffer__free(rb);
    perf_buffer__free(pb);
    bpf_object__close(obj);
    return 0;
}
