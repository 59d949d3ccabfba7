// USDT handlers written for libbpf (usdt.bpf.h, BPF_USDT), unchanged: each copies its probe's
// arguments (as BPF_USDT's typed parameters, and as bpf_usdt_arg()'s raw 64-bit values, which show
// the spec's own sign extension), its argument count and its USDT cookie into one ring-buffer event.
// The probes live in src/test/usdt (usdt_target.c, usdt_sema.c, usdt_lib.c).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct usdt_event {
	u32 probe;	/* 1 sizes, 2 gated, 3 lib fired */
	u32 tgid;
	s32 argc;
	u32 pad;
	u64 cookie;
	s64 args[9];	/* BPF_USDT's typed parameters */
	s64 raw[9];	/* bpf_usdt_arg() */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} usdt_events SEC(".maps");

static __always_inline struct usdt_event *start(struct pt_regs *ctx, u32 probe)
{
	struct usdt_event *e = bpf_ringbuf_reserve(&usdt_events, sizeof(*e), 0);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->probe = probe;
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	e->argc = bpf_usdt_arg_cnt(ctx);
	e->cookie = bpf_usdt_cookie(ctx);
	for (int i = 0; i < 9; i++) {
		long v;

		bpf_usdt_arg(ctx, i, &v);
		e->raw[i] = v;
	}
	return e;
}

SEC("usdt")
int BPF_USDT(on_sizes, int site, s8 a, u8 b, s16 c, u16 d, s32 e32, u32 f, s64 g, u64 h)
{
	struct usdt_event *e = start(ctx, 1);

	if (!e)
		return 0;
	e->args[0] = site;
	e->args[1] = a;
	e->args[2] = b;
	e->args[3] = c;
	e->args[4] = d;
	e->args[5] = e32;
	e->args[6] = f;
	e->args[7] = g;
	e->args[8] = h;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_gated, s32 value, u64 triple)
{
	struct usdt_event *e = start(ctx, 2);

	if (!e)
		return 0;
	e->args[0] = value;
	e->args[1] = triple;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_lib, s64 seed, u32 twice, s16 less)
{
	struct usdt_event *e = start(ctx, 3);

	if (!e)
		return 0;
	e->args[0] = seed;
	e->args[1] = twice;
	e->args[2] = less;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The JDK's own probe in libjvm.so: hotspot:thread__start(name, name length, java tid, native tid, daemon). */
struct jvm_thread {
	s64 java_tid;
	s64 native_tid;
	s32 len;
	u32 daemon;
	char name[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024);
} jvm_threads SEC(".maps");

SEC("usdt")
int BPF_USDT(on_thread_start, const char *name, int len, long java_tid, long native_tid, bool daemon)
{
	struct jvm_thread *e = bpf_ringbuf_reserve(&jvm_threads, sizeof(*e), 0);

	if (!e)
		return 0;
	e->java_tid = java_tid;
	e->native_tid = native_tid;
	e->len = len;
	e->daemon = daemon;
	bpf_probe_read_user_str(e->name, sizeof(e->name), name);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
