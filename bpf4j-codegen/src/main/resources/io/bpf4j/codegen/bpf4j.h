/* bpf4j.h: declarations bpf4j-codegen reads from a BPF object's BTF. */
#ifndef __BPF4J_H__
#define __BPF4J_H__

/*
 * BPF4J_RECORD(map, type): the ring buffer or perf event array "map" carries records of C type
 * "type". bpf4j-codegen then generates a record for the type and a typed reader for the map.
 *
 *     struct event { __u32 pid; char comm[16]; };
 *     struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } events SEC(".maps");
 *     BPF4J_RECORD(events, struct event);
 *
 * It declares an unused global pointer __bpf4j_record__<map> (8 bytes of .bss): a global's type
 * is kept in BTF even when no code uses it, which also keeps "type" in BTF (clang emits no BTF
 * for types only local variables use). The generator hides these variables.
 */
#define BPF4J_RECORD(map, type) \
	type *__bpf4j_record__##map __attribute__((unused))

#endif /* __BPF4J_H__ */
