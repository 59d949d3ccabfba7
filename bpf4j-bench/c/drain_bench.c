// The C reference of DrainBench: libbpf drains the streams of bpf/drain_bench.bpf.o exactly as
// DrainBench drains them with bpf4j. Usage: drain_bench OBJECT ROUNDS ROW...; prints "ROW ns_per_record"
// per row. Rows: {ring,perf}_{same,alternating,spread} (a ring filled with N records, then one
// consume, timed; the mean over ROUNDS after one warm-up round) and {ring,perf}_batch{100,1000,10000}
// (K records written, then one poll, which sees the kernel's wake-up and drains them, timed; the
// mean over enough rounds for 200,000 records, after a tenth as many warm-up rounds).
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
        if (batch) {
            int k = atoi(batch + 6);
            char prog[32];
            snprintf(prog, sizeof(prog), "%s_same", perf ? "perf" : "ring");
            int measured = 200000 / k, warm = measured / 10;
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
                    total += t;
                    records += seen;
                }
            }
        } else {
            int n = fill_count(row);
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
                    total += t;
                    records += seen;
                }
            }
        }
        printf("%s %.2f\n", row, total / records);
        fflush(stdout);
    }
    ring_buffer__free(rb);
    perf_buffer__free(pb);
    bpf_object__close(obj);
    return 0;
}
