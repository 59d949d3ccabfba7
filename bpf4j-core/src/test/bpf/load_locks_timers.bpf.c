// Map values with kernel-managed fields that need BTF: a bpf_spin_lock and a bpf_timer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define CLOCK_MONOTONIC 1

struct locked_counter {
	struct bpf_spin_lock lock;
	__u64 value;
};

struct timer_slot {
	struct bpf_timer timer;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct locked_counter);
} locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct timer_slot);
} timers SEC(".maps");

static int timer_fired(void *map, __u32 *key, struct timer_slot *slot)
{
	slot->fired++;
	return 0;
}

SEC("xdp")
int xdp_locked(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct locked_counter *c = bpf_map_lookup_elem(&locked, &key);
	if (c) {
		bpf_spin_lock(&c->lock);
		c->value++;
		bpf_spin_unlock(&c->lock);
	}
	struct timer_slot *t = bpf_map_lookup_elem(&timers, &key);
	if (t) {
		bpf_timer_init(&t->timer, &timers, CLOCK_MONOTONIC);
		bpf_timer_set_callback(&t->timer, timer_fired);
		bpf_timer_start(&t->timer, 1000, 0);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
