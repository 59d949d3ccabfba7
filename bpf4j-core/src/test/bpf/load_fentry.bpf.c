// fentry/fexit/fmod_ret/lsm: need attach BTF ids of kernel functions. This kernel refuses these
// program types with EPERM; the object must still open and the loader must still resolve targets.
// vfs_unlink: a function every kernel from 5.10 to 7.3 has (do_unlinkat is filename_unlinkat in 7.3).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 fentry_calls = 0;

SEC("fentry/vfs_unlink")
int BPF_PROG(on_unlink_entry)
{
	__sync_fetch_and_add(&fentry_calls, 1);
	return 0;
}

SEC("fexit/vfs_unlink")
int BPF_PROG(on_unlink_exit)
{
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
