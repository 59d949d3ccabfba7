package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.btf.CoreRelocator;
import io.bpf4j.btf.CoreTypes;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import io.bpf4j.testing.KernelFunctions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BTF attach targets and kernel symbol externs against the running kernel's BTF. */
class AttachTargetsLoadTest {
    static CoreTypes kernel;

    @BeforeAll
    static void btf() {
        Kernel.assumeRoot();
        kernel = KernelTypes.vmlinux();
    }

    @Test
    void targetsResolveByLibbpfsNames() {
        int tp = AttachTargets.resolve(kernel, AttachType.TRACE_RAW_TP, "sched_switch");
        assertEquals("btf_trace_sched_switch", kernel.name(tp));
        assertEquals(CoreTypes.TYPEDEF, kernel.kind(tp));
        assertEquals("bpf_iter_task", kernel.name(AttachTargets.resolve(kernel, AttachType.TRACE_ITER, "task")));
        String unlinkat = KernelFunctions.unlinkat();
        assertEquals(unlinkat, kernel.name(AttachTargets.resolve(kernel, AttachType.TRACE_FENTRY, unlinkat)));
        assertEquals("bpf_lsm_file_open", kernel.name(AttachTargets.resolve(kernel, AttachType.LSM_MAC, "file_open")));
        BpfException e = assertThrows(
                BpfException.class, () -> AttachTargets.resolve(kernel, AttachType.TRACE_RAW_TP, "bpf4j_no_such_tp"));
        assertTrue(e.getMessage().contains("btf_trace_bpf4j_no_such_tp"), e.getMessage());
    }

    @Test
    void ksymsResolveAndPatch() {
        // a kfunc since 6.2 (kfunc calls themselves since 5.13): probed in this kernel's BTF
        KernelFeature.assume(
                kernel.idsNamed("bpf_task_release").stream().anyMatch(id -> kernel.kind(id) == CoreTypes.FUNC),
                "the kfunc bpf_task_release (Linux 6.2)",
                "no FUNC bpf_task_release in the kernel's BTF");
        Map<String, Ksyms.Resolution> r = Ksyms.resolve(
                kernel,
                List.of(
                        new KsymExtern("bpf_task_release", KsymExtern.Kind.FUNCTION, false),
                        new KsymExtern("bpf4j_missing_kfunc", KsymExtern.Kind.FUNCTION, true),
                        new KsymExtern("bpf_prog_put", KsymExtern.Kind.UNTYPED, false)));
        Ksyms.KfuncId k = (Ksyms.KfuncId) r.get("bpf_task_release");
        assertEquals("bpf_task_release", kernel.name(k.btfId()));
        assertEquals(new Ksyms.Absent(), r.get("bpf4j_missing_kfunc"));
        Instruction call = new Instruction(Opcodes.JMP | Opcodes.CALL, 0, Opcodes.PSEUDO_CALL, (short) 0, -1);
        Instruction patched = Ksyms.patch(call, "bpf_task_release", k);
        assertEquals(Opcodes.PSEUDO_KFUNC_CALL, patched.src());
        assertEquals(k.btfId(), patched.imm());
        assertEquals(
                CoreRelocator.POISON_HELPER,
                Ksyms.patch(call, "x", new Ksyms.Absent()).imm());
        Instruction lddw = Instruction.loadImm64(1, 0);
        assertEquals(
                ((Ksyms.Address) r.get("bpf_prog_put")).address(),
                Ksyms.patch(lddw, "bpf_prog_put", r.get("bpf_prog_put")).constant());
        BpfException strong = assertThrows(
                BpfException.class,
                () -> Ksyms.resolve(
                        kernel, List.of(new KsymExtern("bpf4j_missing_kfunc", KsymExtern.Kind.FUNCTION, false))));
        assertTrue(
                strong.getMessage().contains("bpf4j_missing_kfunc")
                        && strong.getMessage().contains("__weak"),
                strong.getMessage());
    }
}
