package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.btf.CoreRelocator;
import io.bpf4j.btf.CoreTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .ksyms} externs of an object resolved against the running kernel: kfuncs to their
 * BTF FUNC ids (called as PSEUDO_KFUNC_CALL), typed variables to their BTF VAR ids (loaded as
 * PSEUDO_BTF_ID, the kernel finds the address), untyped symbols to their address from
 * /proc/kallsyms. A missing {@code __weak} extern resolves to nothing: its loads read 0 and its
 * calls become the invalid helper the verifier drops when guarded by {@code bpf_ksym_exists}.
 */
final class Ksyms {
    private Ksyms() {}

    /** What an extern resolved to. */
    sealed interface Resolution permits KfuncId, VariableId, Address, Absent {}

    /** A kfunc's FUNC id in vmlinux BTF. */
    record KfuncId(int btfId) implements Resolution {}

    /** A variable's VAR id in vmlinux BTF. */
    record VariableId(int btfId) implements Resolution {}

    /** An address from kallsyms. */
    record Address(long address) implements Resolution {}

    /** A weak extern the kernel does not have. */
    record Absent() implements Resolution {}

    /**
     * Resolves every extern.
     *
     * @throws BpfException naming the first strong extern the kernel lacks
     */
    static Map<String, Resolution> resolve(CoreTypes kernel, List<KsymExtern> externs) {
        Map<String, Resolution> out = new HashMap<>();
        List<String> untyped = new ArrayList<>();
        for (KsymExtern e : externs) {
            switch (e.kind()) {
                case FUNCTION, TYPED_VARIABLE -> {
                    int want = e.kind() == KsymExtern.Kind.FUNCTION ? CoreTypes.FUNC : CoreTypes.VAR;
                    int found = 0;
                    for (int id : kernel.idsNamed(e.name())) {
                        if (kernel.kind(id) == want) {
                            found = id;
                            break;
                        }
                    }
                    if (found == 0) {
                        out.put(
                                e.name(),
                                missing(
                                        e,
                                        "the kernel's BTF has no " + (want == CoreTypes.FUNC ? "kfunc" : "variable")
                                                + " " + e.name()));
                    } else {
                        out.put(
                                e.name(),
                                e.kind() == KsymExtern.Kind.FUNCTION ? new KfuncId(found) : new VariableId(found));
                    }
                }
                case UNTYPED -> untyped.add(e.name());
            }
        }
        if (!untyped.isEmpty()) {
            Map<String, Long> addrs = Kallsyms.addresses(untyped);
            for (KsymExtern e : externs) {
                if (e.kind() == KsymExtern.Kind.UNTYPED) {
                    Long a = addrs.get(e.name());
                    out.put(
                            e.name(),
                            a != null ? new Address(a) : missing(e, "/proc/kallsyms has no symbol " + e.name()));
                }
            }
        }
        return out;
    }

    private static Resolution missing(KsymExtern e, String why) {
        if (e.weak()) {
            return new Absent();
        }
        throw new BpfException(
                "cannot resolve extern " + e.name() + " __ksym: " + why + " (declare it __weak to load without it)");
    }

    /** The instruction that refers to an extern, rewritten for its resolution. */
    static Instruction patch(Instruction insn, String name, Resolution r) {
        boolean call = insn.opcode() == (Opcodes.JMP | Opcodes.CALL);
        if (call) {
            return switch (r) {
                case KfuncId k -> new Instruction(insn.opcode(), 0, Opcodes.PSEUDO_KFUNC_CALL, (short) 0, k.btfId());
                case Absent a -> new Instruction(insn.opcode(), 0, 0, (short) 0, CoreRelocator.POISON_HELPER);
                default -> throw new BpfException("extern " + name + " is called but is not a kernel function");
            };
        }
        if (!insn.isLoadImm64()) {
            throw new BpfException("extern " + name + " is used by " + insn + ", neither a call nor an lddw");
        }
        return switch (r) {
            case VariableId v ->
                new Instruction(insn.opcode(), insn.dst(), Opcodes.PSEUDO_BTF_ID, (short) 0, v.btfId());
            case Address a -> new Instruction(insn.opcode(), insn.dst(), 0, (short) 0, a.address());
            case KfuncId k -> new Instruction(insn.opcode(), insn.dst(), Opcodes.PSEUDO_BTF_ID, (short) 0, k.btfId());
            case Absent a -> new Instruction(insn.opcode(), insn.dst(), 0, (short) 0, 0);
        };
    }
}
