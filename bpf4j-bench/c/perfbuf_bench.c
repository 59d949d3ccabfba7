// The C reference of PerfBufBench: the same XDP emitter and 32 MiB per-CPU rings, drained with
// libbpf's perf_buffer__consume. Prints "drain ns_per_sample".
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 200000

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long sink, seen;

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
    sink += *(long *)data;
    seen++;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    int ncpu = libbpf_num_possible_cpus();
    int map = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "bench_pb", 4, 4, ncpu, NULL);
    if (map < 0) {
        perror("perf event array");
        return 1;
    }
    struct bpf_insn prog[] = {
        {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0},
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -48, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -40, 0},
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -32, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -24, 0},
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -8, 0},
        {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns},
        {BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -48, 0},
        {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0},
        {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, map}, {0, 0, 0, 0, 0},
        {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_3, 0, 0, (int)0xffffffff}, {0, 0, 0, 0, 0},
        {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0},
        {BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, -48},
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_5, 0, 0, 48},
        {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_perf_event_output},
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 2},
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    };
    int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bench_perf", "GPL", prog, sizeof(prog) / sizeof(prog[0]), NULL);
    if (fd < 0) {
        perror("prog load");
        return 1;
    }
    struct perf_buffer *pb = perf_buffer__new(map, 8192, on_sample, NULL, NULL, NULL);
    if (!pb) {
        perror("perf_buffer__new");
        return 1;
    }
    char pkt[64] = {0};
    double total = 0;
    for (int r = 0; r < rounds + 1; r++) {
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = N);
        if (bpf_prog_test_run_opts(fd, &opts)) {
            perror("test run");
            return 1;
        }
        seen = 0;
        double t0 = now_ns();
        perf_buffer__consume(pb);
        double ns = (now_ns() - t0) / (seen ? seen : 1);
        if (r > 0) /* round 0 warms up */
            total += ns;
    }
    printf("drain %.2f\n", total / rounds);
    perf_buffer__free(pb);
    return 0;
}
