package io.bpf4j.link;

/**
 * Where and how to attach a program, one record type per kind of attachment. Give one to
 * {@link Attach#attach} for a single program, or by program name to
 * {@link AttachOptions#spec} for {@code BpfObject.attachAll}. Fields a spec leaves empty
 * (uprobe entry or return, TCX direction, cgroup attach type) come from the program's section
 * name there, as libbpf reads them.
 *
 * <pre>{@code
 * obj.attachAll(AttachOptions.defaults()
 *         .spec("on_read", Uprobe.Spec.of("libssl.so.3", "SSL_read"))
 *         .spec("on_tick", PerfEvent.Spec.frequency("cpu_clock", 99)));
 * }</pre>
 */
public sealed interface AttachSpec
        permits Tracepoint.Spec,
                RawTracepoint.Spec,
                Tracing.Spec,
                Kprobe.Spec,
                Kprobe.Syscall,
                KprobeMulti.Spec,
                Uprobe.Spec,
                UprobeMulti.Spec,
                PerfEvent.Spec,
                Xdp.Spec,
                Tcx.Spec,
                TcFilter.Spec,
                Cgroup.Spec,
                NetnsLink.Spec,
                Netfilter.Spec,
                BpfIterator.Spec,
                SocketFilter.Spec,
                Usdt.Spec {
    /** The target in words, for messages (e.g. {@code tracepoint syscalls/sys_enter_execve}). */
    String describe();
}
