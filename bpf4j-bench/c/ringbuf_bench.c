// The C reference of RingBufBench: the same XDP emitter and 64 MiB ring, drained with libbpf's
// ring_buffer__consume. Prints "drainRaw ns_per_record".
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 1000000

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long sink;

static int on_record(void *ctx, void *data, size_t size)
{
    sink += *(long *)data;
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    int map = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "bench_rb", 0, 0, 64 << 20, NULL);
    if (map < 0) {
        perror("ringbuf");
        return 1;
    }
    struct bpf_insn prog[] = {
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -48, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -40, 0},
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -32, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -24, 0},
        {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -16, 0}, {BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -8, 0},
        {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns},
        {BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -48, 0},
        {BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -40, 1},
        {BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map}, {0, 0, 0, 0, 0},
        {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0},
        {BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -48},
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 48},
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0},
        {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output},
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 2},
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
    };
    int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "bench_emit", "GPL", prog, sizeof(prog) / sizeof(prog[0]), NULL);
    if (fd < 0) {
        perror("prog load");
        return 1;
    }
    struct ring_buffer *rb = ring_buffer__new(map, on_record, NULL, NULL);
    char pkt[64] = {0};
    double best = 1e18, total = 0;
    for (int r = 0; r < rounds + 1; r++) {
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = N);
        if (bpf_prog_test_run_opts(fd, &opts)) {
            perror("test run");
            return 1;
        }
        double t0 = now_ns();
        int n = ring_buffer__consume(rb);
        double ns = (now_ns() - t0) / n;
        if (r > 0) { /* round 0 warms up */
            total += ns;
            if (ns < best)
                best = ns;
        }
    }
    printf("drainRaw %.2f\n", total / rounds);
    ring_buffer__free(rb);
    return 0;
}
