package io.bpf4j;

import java.util.List;

/** Test-only: program type, attach type and target from a libbpf section name (a subset of libbpf's table). */
final class SectionLoadTable {
    private SectionLoadTable() {
    }

    private record Def(String prefix, ProgramType type, AttachType attach, boolean target, boolean sleepable) {
    }

    private static final List<Def> DEFS = List.of(
            new Def("xdp", ProgramType.XDP, AttachType.XDP, false, false),
            new Def("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, false, false),
            new Def("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, false, false),
            new Def("tc", ProgramType.SCHED_CLS, null, false, false),
            new Def("socket", ProgramType.SOCKET_FILTER, null, false, false),
            new Def("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, false, false),
            new Def("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, false, false),
            new Def("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, false, false),
            new Def("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, false, false),
            new Def("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, false, false),
            new Def("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, false, false),
            new Def("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, false, false),
            new Def("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, false, false),
            new Def("tracepoint/", ProgramType.TRACEPOINT, null, true, false),
            new Def("raw_tracepoint/", ProgramType.RAW_TRACEPOINT, null, true, false),
            new Def("raw_tp/", ProgramType.RAW_TRACEPOINT, null, true, false),
            new Def("tp_btf/", ProgramType.TRACING, AttachType.TRACE_RAW_TP, true, false),
            new Def("iter/", ProgramType.TRACING, AttachType.TRACE_ITER, true, false),
            new Def("fentry/", ProgramType.TRACING, AttachType.TRACE_FENTRY, true, false),
            new Def("fexit/", ProgramType.TRACING, AttachType.TRACE_FEXIT, true, false),
            new Def("lsm/", ProgramType.LSM, AttachType.LSM_MAC, true, false),
            new Def("kprobe/", ProgramType.KPROBE, null, true, false),
            new Def("kretprobe/", ProgramType.KPROBE, null, true, false),
            new Def("uprobe.s", ProgramType.KPROBE, null, false, true),
            new Def("uretprobe", ProgramType.KPROBE, null, false, false),
            new Def("uprobe", ProgramType.KPROBE, null, false, false),
            new Def("perf_event", ProgramType.PERF_EVENT, null, false, false),
            new Def("syscall", ProgramType.SYSCALL, null, false, true));

    static ProgramSpec spec(String name, String section, String license) {
        for (Def d : DEFS) {
            if (section.startsWith(d.prefix())) {
                ProgramSpec.Builder b = ProgramSpec.builder(name, d.type()).sectionName(section).license(license);
                if (d.attach() != null) {
                    b.attachType(d.attach());
                }
                if (d.target()) {
                    b.attachTo(section.substring(d.prefix().length()));
                }
                if (d.sleepable()) {
                    b.flags(ProgramFlags.SLEEPABLE);
                }
                return b.build();
            }
        }
        throw new IllegalArgumentException("section " + section + " is not in the test table");
    }
}
