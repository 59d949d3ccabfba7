/* Shared by both programs: a header change recompiles both. */
#ifndef COMMON_H
#define COMMON_H
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
    __u64 packets;
    __u64 bytes;
};
#endif
