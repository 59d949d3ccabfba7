// The C reference of BtfParseBench: libbpf parses the in-memory vmlinux BTF and finds task_struct.
// Prints "parseAndFindTaskStruct ms_per_op". Usage: btf_parse [iterations]
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200;
    FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
    if (!f) {
        perror("/sys/kernel/btf/vmlinux");
        return 1;
    }
    size_t cap = 1 << 20, len = 0, n;
    char *data = malloc(cap);
    while ((n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    for (int round = 0; round < 2; round++) { /* round 0 warms up */
        double t0 = now_ns();
        for (long i = 0; i < iters; i++) {
            struct btf *btf = btf__new(data, len);
            if (!btf || btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) < 0) {
                fprintf(stderr, "btf__new/find failed\n");
                return 1;
            }
            btf__free(btf);
        }
        if (round == 1)
            printf("parseAndFindTaskStruct %.3f\n", (now_ns() - t0) / iters / 1e6);
    }
    free(data);
    return 0;
}
