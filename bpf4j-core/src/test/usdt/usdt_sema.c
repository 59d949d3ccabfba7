// A probe guarded by a semaphore: the tracer's uprobe (ref_ctr_offset) raises it while attached.
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdint.h>

__extension__ unsigned short bpf4j_test_gated_semaphore __attribute__((unused)) __attribute__((section(".probes")));

unsigned short usdt_gated_semaphore_value(void)
{
    return *(volatile unsigned short *)&bpf4j_test_gated_semaphore;
}

__attribute__((noinline)) int usdt_gated_fire(int32_t value)
{
    if (__builtin_expect(*(volatile unsigned short *)&bpf4j_test_gated_semaphore, 0)) {
        STAP_PROBE2(bpf4j_test, gated, value, (uint64_t)value * 3);
        return 1;
    }
    return 0;
}
