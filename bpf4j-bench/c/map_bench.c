// The C reference of MapBench: the same hash map and operations through libbpf.
// Prints "op ns_per_element" lines that bench.sh compares with JMH's scores.
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 1000

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bench", 4, 8, N, NULL);
    if (fd < 0) {
        perror("bpf_map_create");
        return 1;
    }
    static __u32 keys[N];
    static __u64 values[N];
    for (int i = 0; i < N; i++) {
        keys[i] = i;
        values[i] = i;
    }
    __u32 count = N;
    if (bpf_map_update_batch(fd, keys, values, &count, NULL)) {
        perror("bpf_map_update_batch");
        return 1;
    }
    __u32 key;
    __u64 value = 0;
    for (int round = 0; round < 2; round++) { /* round 0 warms up */
        double t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            key = i % N;
            bpf_map_lookup_elem(fd, &key, &value);
        }
        double lookup = (now_ns() - t0) / iters;
        t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            key = i % N;
            bpf_map_update_elem(fd, &key, &value, BPF_ANY);
        }
        double update = (now_ns() - t0) / iters;
        long batches = iters / N / 2 + 10;
        __u32 out_batch;
        t0 = now_ns();
        for (long b = 0; b < batches; b++) {
            __u32 total = 0;
            void *in = NULL;
            for (;;) {
                count = N;
                int err = bpf_map_lookup_batch(fd, in, &out_batch, keys, values, &count, NULL);
                total += count;
                if (err)
                    break; /* ENOENT: end of the map */
                in = &out_batch;
            }
        }
        double blookup = (now_ns() - t0) / (batches * (double)N);
        t0 = now_ns();
        for (long b = 0; b < batches; b++) {
            count = N;
            bpf_map_update_batch(fd, keys, values, &count, NULL);
        }
        double bupdate = (now_ns() - t0) / (batches * (double)N);
        if (round == 1) {
            printf("lookup %.1f\nupdate %.1f\nbatchLookup %.1f\nbatchUpdate %.1f\n", lookup, update, blookup, bupdate);
        }
    }
    return 0;
}
