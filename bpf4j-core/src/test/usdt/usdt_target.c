// The process UsdtTest traces: fires USDT probes with known arguments of every size and sign from
// three call sites of one probe (arguments in registers, in stack memory, as constants), from a
// probe guarded by a semaphore, and from a shared library it links against.
// Protocol: prints "ready <semaphore>" and waits for a line on stdin; then fires every probe once,
// prints "done <semaphore> <fired>" (fired: 1 when the guarded probe fired) and exits.
#include <sys/sdt.h>
#include <stdint.h>
#include <stdio.h>

void usdt_lib_fire(int64_t seed);              /* libusdt_lib.so */
int usdt_gated_fire(int32_t value);            /* usdt_sema.c: 1 when the semaphore was set */
unsigned short usdt_gated_semaphore_value(void);

/* Register arguments: the caller's values arrive in registers and sdt.h names them (%dil, %esi...). */
__attribute__((noinline)) void site_registers(int8_t a, uint8_t b, int16_t c, uint16_t d, int32_t e, uint32_t f,
                                              int64_t g, uint64_t h)
{
    STAP_PROBE9(bpf4j_test, sizes, 1, a, b, c, d, e, f, g, h);
}

/* Memory arguments: volatile stack slots read in place (-4@-20(%rsp) and the like). */
__attribute__((noinline)) void site_memory(void)
{
    volatile int8_t a = -100;
    volatile uint8_t b = 200;
    volatile int16_t c = -1234;
    volatile uint16_t d = 54321;
    volatile int32_t e = -123456789;
    volatile uint32_t f = 3456789012u;
    volatile int64_t g = -1234567890123456789ll;
    volatile uint64_t h = 12345678901234567890ull;
    STAP_PROBE9(bpf4j_test, sizes, 2, a, b, c, d, e, f, g, h);
}

/* Constant arguments: immediates ($-5 and the like). */
__attribute__((noinline)) void site_constants(void)
{
    STAP_PROBE9(bpf4j_test, sizes, 3, (int8_t)-5, (uint8_t)250, (int16_t)-30000, (uint16_t)65000,
                (int32_t)-2000000000, (uint32_t)4000000000u, (int64_t)-7, (uint64_t)4000000000u);
}

int main(void)
{
    char line[64];
    printf("ready %u\n", usdt_gated_semaphore_value());
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        return 1;
    unsigned short sema = usdt_gated_semaphore_value();
    site_registers(-1, 255, -32768, 65535, -2147483647 - 1, 4294967295u, -9223372036854775807ll - 1,
                   18446744073709551615ull);
    site_memory();
    site_constants();
    usdt_lib_fire(-42);
    int fired = usdt_gated_fire(-77);
    printf("done %u %d\n", sema, fired);
    fflush(stdout);
    return 0;
}
