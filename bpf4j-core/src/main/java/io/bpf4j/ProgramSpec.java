package io.bpf4j;

import io.bpf4j.asm.Instruction;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to load a program: plain data, no kernel state. From an object file or built
 * by hand from instructions; {@link Program#load(ProgramSpec)} makes the live program.
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpec.builder("ret2", ProgramType.XDP)
 *         .instructions(List.of(Instruction.mov64Imm(Reg.R0, 2), Instruction.exit()))
 *         .license("GPL").build();
 * try (Program p = Program.load(spec)) { ... }
 * }</pre>
 *
 * @param name the program's name (the kernel keeps 15 characters)
 * @param type the program type
 * @param attachType the expected attach type, where the type needs one
 * @param sectionName the ELF section it came from ("" when built by hand)
 * @param attachTo the attach target named by the section (e.g. {@code syscalls/sys_enter_execve}), "" when none
 * @param instructions the code, with map references already resolved to fds for a direct load
 * @param license the license string ("GPL" to use GPL-only helpers)
 * @param kernelVersion the kernel version word (only old kprobe loaders need it)
 * @param flags BPF_F_* program flags, see {@link ProgramFlags}
 * @param attachBtfId for fentry/fexit/tp_btf/lsm/iter: the target's BTF id in the kernel's BTF (0: none)
 */
public record ProgramSpec(
        String name,
        ProgramType type,
        Optional<AttachType> attachType,
        String sectionName,
        String attachTo,
        List<Instruction> instructions,
        String license,
        int kernelVersion,
        int flags,
        int attachBtfId) {

    /** Checks for nulls and an empty program; copies the instruction list. */
    public ProgramSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(attachType, "attachType");
        Objects.requireNonNull(sectionName, "sectionName");
        Objects.requireNonNull(attachTo, "attachTo");
        Objects.requireNonNull(license, "license");
        instructions = List.copyOf(instructions);
    }

    /** A builder for a program of this name and type. */
    public static Builder builder(String name, ProgramType type) {
        return new Builder(name, type);
    }

    /** A builder that starts from this spec. */
    public Builder toBuilder() {
        Builder b = new Builder(name, type);
        b.attachType = attachType;
        b.sectionName = sectionName;
        b.attachTo = attachTo;
        b.instructions = instructions;
        b.license = license;
        b.kernelVersion = kernelVersion;
        b.flags = flags;
        b.attachBtfId = attachBtfId;
        return b;
    }

    /** Builder of {@link ProgramSpec}. */
    public static final class Builder {
        private final String name;
        private final ProgramType type;
        private Optional<AttachType> attachType = Optional.empty();
        private String sectionName = "";
        private String attachTo = "";
        private List<Instruction> instructions = List.of();
        private String license = "GPL";
        private int kernelVersion;
        private int flags;
        private int attachBtfId;

        private Builder(String name, ProgramType type) {
            this.name = Objects.requireNonNull(name, "name");
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder attachType(AttachType t) {
            this.attachType = Optional.of(t);
            return this;
        }

        public Builder sectionName(String s) {
            this.sectionName = Objects.requireNonNull(s);
            return this;
        }

        public Builder attachTo(String target) {
            this.attachTo = Objects.requireNonNull(target);
            return this;
        }

        public Builder instructions(List<Instruction> insns) {
            this.instructions = List.copyOf(insns);
            return this;
        }

        /** Defaults to "GPL". */
        public Builder license(String l) {
            this.license = Objects.requireNonNull(l);
            return this;
        }

        public Builder kernelVersion(int v) {
            this.kernelVersion = v;
            return this;
        }

        public Builder flags(int f) {
            this.flags = f;
            return this;
        }

        public Builder attachBtfId(int id) {
            this.attachBtfId = id;
            return this;
        }

        public ProgramSpec build() {
            return new ProgramSpec(
                    name,
                    type,
                    attachType,
                    sectionName,
                    attachTo,
                    instructions,
                    license,
                    kernelVersion,
                    flags,
                    attachBtfId);
        }
    }
}
