// The C reference of LoadBench: bpf_object__open_mem + bpf_object__load + bpf_object__close of
// the same object bytes in a loop (libbpf parses the kernel BTF on every load that needs it: CO-RE
// relocations, ksyms, tracing programs). Prints "openLoadClose:OBJECT median mean" (us per object).
// "load_bench --kernel-btf N" times libbpf's kernel BTF read alone (btf__load_vmlinux_btf + free),
// the share of a CO-RE load that bpf4j does once per JVM: "kernelBtfRead median mean".
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += t[i];
    qsort(t, n, sizeof(double), cmp_double);
    printf("%s %.1f %.1f\n", what, t[n / 2], total / n);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--kernel-btf") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 50;
        double *t = calloc(n, sizeof(double));
        for (int i = 0; i < n + 5; i++) {
            double t0 = now_us();
            struct btf *btf = btf__load_vmlinux_btf();
            if (!btf) {
                perror("btf__load_vmlinux_btf");
                return 1;
            }
            btf__free(btf);
            if (i >= 5)
                t[i - 5] = now_us() - t0;
        }
        report("kernelBtfRead", t, n);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: load_bench FILE.bpf.o NAME [N]\n");
        return 2;
    }
    int n = argc > 3 ? atoi(argv[3]) : 50;
    libbpf_set_print(silent);
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(size);
    if (fread(buf, 1, size, f) != (size_t)size) {
        perror("read");
        return 1;
    }
    fclose(f);
    /* N = 0: one load and nothing printed, the cold process bench.sh times against bpf4j's ColdLoad. */
    int rounds = n == 0 ? 1 : n + 5;
    double *t = calloc(n + 1, sizeof(double));
    for (int i = 0; i < rounds; i++) {
        double t0 = now_us();
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (!obj || bpf_object__load(obj)) {
            fprintf(stderr, "libbpf could not load %s\n", argv[1]);
            return 1;
        }
        bpf_object__close(obj);
        if (i >= 5) /* the first five warm up */
            t[i - 5] = now_us() - t0;
    }
    if (n == 0)
        return 0;
    char what[128];
    snprintf(what, sizeof(what), "openLoadClose:%s", argv[2]);
    report(what, t, n);
    return 0;
}
