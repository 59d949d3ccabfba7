package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Reg;
import io.bpf4j.testing.Kernel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Section name to attach kind, as libbpf names sections. */
class AutoAttachTest {
    private static Optional<AutoAttach.Plan> plan(String s) {
        return AutoAttach.plan(s);
    }

    @Test
    void sectionsThatNameTheirTarget() {
        assertEquals(new AutoAttach.Plan(AutoAttach.Kind.TRACEPOINT, "syscalls/sys_enter_execve"),
                plan("tracepoint/syscalls/sys_enter_execve").orElseThrow());
        assertEquals(AutoAttach.Kind.TRACEPOINT, plan("tp/sched/sched_switch").orElseThrow().kind());
        assertEquals(new AutoAttach.Plan(AutoAttach.Kind.RAW_TRACEPOINT, "sys_enter"), plan("raw_tp/sys_enter").orElseThrow());
        assertEquals(AutoAttach.Kind.RAW_TRACEPOINT, plan("raw_tracepoint.w/x").orElseThrow().kind());
        assertEquals(AutoAttach.Kind.TP_BTF, plan("tp_btf/sched_switch").orElseThrow().kind());
        assertEquals(AutoAttach.Kind.FENTRY, plan("fentry.s/do_unlinkat").orElseThrow().kind());
        assertEquals(AutoAttach.Kind.FMOD_RET, plan("fmod_ret/x").orElseThrow().kind());
        assertEquals(AutoAttach.Kind.LSM, plan("?lsm/file_open").orElseThrow().kind());
        assertEquals(new AutoAttach.Plan(AutoAttach.Kind.KPROBE, "do_sys_open+0x10"),
                plan("kprobe/do_sys_open+0x10").orElseThrow());
        assertEquals(new AutoAttach.Plan(AutoAttach.Kind.URETPROBE, "libc.so.6:getpid"),
                plan("uretprobe/libc.so.6:getpid").orElseThrow());
        assertEquals(AutoAttach.Kind.ITER, plan("iter/task").orElseThrow().kind());
    }

    @Test
    void sectionsThatNeedACallerTarget() {
        for (String s : List.of("xdp", "tc", "tcx/ingress", "cgroup_skb/egress", "socket", "perf_event", "uprobe",
                "uprobe/getpid", "tracepoint/only_one_part", "freplace/f", "kprobe/", "struct_ops/x")) {
            assertTrue(plan(s).isEmpty(), s);
        }
        assertTrue(AutoAttach.needs("xdp").contains("Xdp.attach"));
        assertTrue(AutoAttach.needs("cgroup_skb/egress").contains("Cgroups.attach"));
    }

    @Test
    void probeOffsetsParse() {
        assertEquals(new AutoAttach.FunctionAndOffset("f", 16), AutoAttach.FunctionAndOffset.parse("f+0x10", "p"));
        assertEquals(new AutoAttach.FunctionAndOffset("f", 7), AutoAttach.FunctionAndOffset.parse("f+7", "p"));
        assertEquals(new AutoAttach.FunctionAndOffset("f", 0), AutoAttach.FunctionAndOffset.parse("f", "p"));
        BpfException e = assertThrows(BpfException.class, () -> AutoAttach.FunctionAndOffset.parse("f+zz", "prog1"));
        assertTrue(e.getMessage().contains("prog1") && e.getMessage().contains("zz"), e.getMessage());
    }

    @Test
    void aProgramThatNeedsATargetFailsNamingIt() {
        Kernel.assumeRoot();
        ProgramSpec spec = ProgramSpec.builder("my_xdp", ProgramType.XDP).sectionName("xdp")
                .instructions(List.of(Instruction.mov64Imm(Reg.R0, 2), Instruction.exit())).build();
        try (Program p = Program.load(spec)) {
            BpfException e = assertThrows(BpfException.class, () -> AutoAttach.attach(p, spec));
            assertTrue(e.getMessage().contains("my_xdp") && e.getMessage().contains("Xdp.attach"), e.getMessage());
        }
    }

    @Test
    void kprobeSectionAttachFailsClearlyWithoutKprobes() {
        Kernel.assumeRoot();
        ProgramSpec spec = ProgramSpec.builder("my_kp", ProgramType.KPROBE).sectionName("kprobe/do_sys_openat2")
                .license("GPL").instructions(List.of(Instruction.mov64Imm(Reg.R0, 0), Instruction.exit())).build();
        try (Program p = Program.load(spec)) {
            if (Kprobe.supported()) {
                try (Link l = AutoAttach.attach(p, spec)) {
                    assertTrue(l.description().contains("do_sys_openat2"), l.description());
                }
            } else {
                io.bpf4j.NotSupportedException e = assertThrows(io.bpf4j.NotSupportedException.class,
                        () -> AutoAttach.attach(p, spec));
                assertTrue(e.getMessage().contains("kprobe"), e.getMessage());
            }
        }
    }
}
