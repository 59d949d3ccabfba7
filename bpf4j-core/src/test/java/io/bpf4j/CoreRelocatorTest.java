package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.btf.CoreRelocator;
import io.bpf4j.btf.Type;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CO-RE against the running kernel's BTF: every relocation kind of load_core_values.bpf.o is
 * relocated by bpf4j, run in the kernel, and compared with the same program relocated by libbpf
 * (bpftool prog loadall) and run the same way.
 */
class CoreRelocatorTest {
    static Btf kernel;

    @BeforeAll
    static void kernelBtf() throws Exception {
        Kernel.assumeRoot();
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        io.bpf4j.testing.KernelFeature.assume(
                Files.isReadable(vmlinux),
                "kernel BTF",
                "/sys/kernel/btf/vmlinux is not readable (CONFIG_DEBUG_INFO_BTF=n)");
        kernel = Btf.parse(Files.readAllBytes(vmlinux));
    }

    private static int run(Program p) {
        // A raw tracepoint run takes a context only: no repeat, no context out (TestRunOptions.context()
        // asks for both, which the kernel refuses with EINVAL for this type).
        return p.testRun(new TestRunOptions(new byte[0], 0, new byte[8], false, 0, 0, 0, 0))
                .returnValue();
    }

    @Test
    void everyKindAgreesWithLibbpf() throws Exception {
        Path obj = Kernel.bpfObject("load_core_values");
        ElfSections elf = ElfSections.read(obj);
        Btf local = Btf.parse(elf.sections.get(".BTF"));
        Map<String, List<CoreRelocation>> relos = elf.coreRelocations(local);
        CoreRelocator core = new CoreRelocator(local, kernel);

        Map<String, Integer> ours = new TreeMap<>();
        for (Map.Entry<String, List<CoreRelocation>> e : relos.entrySet()) {
            String name = e.getKey().substring("raw_tp/".length());
            List<Instruction> insns = Instruction.decodeAll(elf.sections.get(e.getKey()));
            List<Instruction> patched = core.apply(name, insns, e.getValue());
            try (Program p = Program.load(ProgramSpec.builder(name, ProgramType.RAW_TRACEPOINT)
                    .instructions(patched)
                    .build())) {
                ours.put(name, run(p));
            }
        }
        assertEquals(14, ours.size(), ours.toString());

        Path bpftool = BpfTool.find().orElse(null);
        Assumptions.assumeTrue(bpftool != null, "bpftool is not installed: no libbpf reference to compare with");
        Path dir =
                Kernel.bpffs().resolve("bpf4j_loader_" + ProcessHandle.current().pid() + "_core");
        Map<String, Integer> libbpf = new TreeMap<>();
        try {
            Process p = new ProcessBuilder(bpftool.toString(), "prog", "loadall", obj.toString(), dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            for (String name : ours.keySet()) {
                try (Program pinned = Program.fromPin(dir.resolve(name))) {
                    libbpf.put(name, run(pinned));
                }
            }
        } finally {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        }
        assertEquals(libbpf, ours);
        // And the values make sense on their own.
        // task_struct's state became __state in 5.14: before that the guard passes and reads its offset
        int guarded = kernel.find("task_struct", Type.Struct.class).orElseThrow().members().stream()
                .filter(m -> m.name().equals("state"))
                .mapToInt(m -> m.bitOffset() / 8)
                .findFirst()
                .orElse(7);
        assertEquals(guarded, ours.get("v_guarded"));
        // task_struct___old's state exists up to 5.13 (then __state), bpf4j_no_such_type never
        boolean hasState = kernel.find("task_struct", Type.Struct.class).orElseThrow().members().stream()
                .anyMatch(m -> m.name().equals("state"));
        assertEquals(0b001 | (hasState ? 0b010 : 0), ours.get("v_exists"));
        assertEquals(16 | 8 << 8, ours.get("v_size"));
        // bit 3, task_struct___mine matching task_struct, depends on the kernel's char signedness
        // (6.1: signed, matches; 6.12 on: no encoding, does not): libbpf's answer is checked above
        assertEquals(0b101, ours.get("v_types") & 0b111);
        assertEquals(kernel.idsNamed("task_struct").get(0), ours.get("v_type_id"));
    }

    @Test
    void unresolvableReachableRelocationIsPoisonedAndTheVerifierSaysSo() throws Exception {
        ElfSections elf = ElfSections.read(Kernel.bpfObject("load_core_poison"));
        Btf local = Btf.parse(elf.sections.get(".BTF"));
        List<CoreRelocation> relos = elf.coreRelocations(local).get("raw_tp/poisoned");
        CoreRelocator core = new CoreRelocator(local, kernel);
        assertTrue(core.compute("poisoned", relos.get(0)).poison());
        List<Instruction> patched =
                core.apply("poisoned", Instruction.decodeAll(elf.sections.get("raw_tp/poisoned")), relos);
        assertEquals(
                CoreRelocator.POISON_HELPER, patched.get(relos.get(0).slot()).imm());
        VerifierException e = assertThrows(
                VerifierException.class,
                () -> Program.load(ProgramSpec.builder("poisoned", ProgramType.RAW_TRACEPOINT)
                        .instructions(patched)
                        .build()));
        assertTrue(e.log().contains("unknown#195896080"), e.log());
    }

    @Test
    void malformedAndMismatchedRelocationsAreNamed() throws Exception {
        ElfSections elf = ElfSections.read(Kernel.bpfObject("load_core_values"));
        Btf local = Btf.parse(elf.sections.get(".BTF"));
        int task = local.idsNamed("task_struct").get(0);
        int pid = -1;
        for (int i = 0; i < local.vlen(task); i++) {
            if (local.memberName(task, i).equals("pid")) {
                pid = i;
            }
        }
        CoreRelocator core = new CoreRelocator(local, kernel);
        List<Instruction> prog = List.of(Instruction.mov64Imm(0, 12345), Instruction.exit());
        io.bpf4j.BpfException bad = assertThrows(
                io.bpf4j.BpfException.class,
                () -> core.apply(
                        "p",
                        prog,
                        List.of(new CoreRelocation(0, task, "0:9999", CoreRelocation.Kind.FIELD_BYTE_OFFSET))));
        assertTrue(
                bad.getMessage().contains("does not exist") && bad.getMessage().contains("task_struct"),
                bad.getMessage());
        int pidIndex = pid;
        io.bpf4j.BpfException mismatch = assertThrows(
                io.bpf4j.BpfException.class,
                () -> core.apply(
                        "p",
                        prog,
                        List.of(new CoreRelocation(0, task, "0:" + pidIndex, CoreRelocation.Kind.FIELD_BYTE_OFFSET))));
        assertTrue(mismatch.getMessage().contains("holds 12345"), mismatch.getMessage());
        io.bpf4j.BpfException notAnInsn = assertThrows(
                io.bpf4j.BpfException.class,
                () -> core.apply(
                        "p",
                        List.of(Instruction.loadImm64(0, 0), Instruction.exit()),
                        List.of(new CoreRelocation(1, task, "0", CoreRelocation.Kind.TYPE_SIZE))));
        assertTrue(notAnInsn.getMessage().contains("instruction start"), notAnInsn.getMessage());
    }

    @Test
    void flavorsAreCandidatesAndMissingTypesAreNot() {
        assertFalse(kernel.idsWithEssentialName("task_struct").isEmpty());
        assertTrue(kernel.idsWithEssentialName("bpf4j_no_such_type").isEmpty());
    }
}
