// The C reference of LoadBench: bpf_object__open_mem + bpf_object__load + bpf_object__close of
// the same object bytes in a loop (libbpf parses the kernel BTF on every load, as it always does).
// Prints "openLoadClose:OBJECT us_per_object".
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

int main(int argc, char **argv)
{
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
    double total = 0;
    for (int i = 0; i < n + 5; i++) {
        double t0 = now_us();
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (!obj || bpf_object__load(obj)) {
            fprintf(stderr, "libbpf could not load %s\n", argv[1]);
            return 1;
        }
        bpf_object__close(obj);
        if (i >= 5) /* the first five warm up */
            total += now_us() - t0;
    }
    printf("openLoadClose:%s %.1f\n", argv[2], total / n);
    return 0;
}
