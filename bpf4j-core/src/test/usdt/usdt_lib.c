// A shared library with its own probe: the tracer finds it by path and attaches by file offset.
#include <sys/sdt.h>
#include <stdint.h>

__attribute__((noinline)) void usdt_lib_fire(int64_t seed)
{
    STAP_PROBE3(bpf4j_lib, fired, seed, (uint32_t)(seed * -2), (int16_t)(seed - 1000));
}
