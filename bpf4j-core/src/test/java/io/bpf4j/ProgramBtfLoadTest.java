package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Instruction;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.btf.CoreRelocator;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Programs loaded with their object's BTF, func_info and line_info: the kernel keeps the BTF,
 * and a rejection points at the C source line.
 */
class ProgramBtfLoadTest {
    static Btf kernel;

    @BeforeAll
    static void setUp() throws Exception {
        Kernel.assumeRoot();
        kernel = Btf.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
    }

    record Loaded(ElfSections elf, Btf btf, byte[] fixedBtf) {}

    static Loaded open(String name) throws Exception {
        ElfSections elf = ElfSections.read(Kernel.bpfObject(name));
        byte[] raw = elf.sections.get(".BTF");
        io.bpf4j.ObjectSpec spec = io.bpf4j.ObjectSpec.read(Kernel.bpfObject(name));
        return new Loaded(elf, Btf.parse(raw), forThisKernel(spec.btf().orElseThrow()));
    }

    /**
     * The object's BTF as the loader gives it to this kernel: sanitized newest feature first
     * until the kernel takes it (5.10 refuses the signed-enum kind flag), as ObjectLoader does.
     */
    static byte[] forThisKernel(Btf laidOut) {
        java.util.EnumSet<io.bpf4j.btf.Sanitize> sanitize = java.util.EnumSet.noneOf(io.bpf4j.btf.Sanitize.class);
        for (int i = 0; ; i++) {
            byte[] blob = ObjectBtf.forKernel(laidOut, java.util.Set.of(), sanitize);
            try (io.bpf4j.btf.BtfHandle _ = io.bpf4j.btf.BtfHandle.loadRaw(blob, "probe")) {
                return blob;
            } catch (BpfException e) {
                if (i == ObjectLoader.SANITIZE_ORDER.size()) {
                    throw e;
                }
                sanitize.add(ObjectLoader.SANITIZE_ORDER.get(i));
            }
        }
    }

    static List<Linker.Placed<ProgramBtf.FuncInfo>> funcs(Loaded o, String section) {
        List<Linker.Placed<ProgramBtf.FuncInfo>> out = new ArrayList<>();
        for (ElfSections.ExtRecord r : o.elf().extInfo(o.btf(), 0)) {
            if (r.section().equals(section)) {
                out.add(new Linker.Placed<>(r.slot(), new ProgramBtf.FuncInfo(r.fields()[0])));
            }
        }
        return out;
    }

    static List<Linker.Placed<ProgramBtf.LineInfo>> lines(Loaded o, String section) {
        List<Linker.Placed<ProgramBtf.LineInfo>> out = new ArrayList<>();
        for (ElfSections.ExtRecord r : o.elf().extInfo(o.btf(), 1)) {
            if (r.section().equals(section)) {
                out.add(new Linker.Placed<>(
                        r.slot(), new ProgramBtf.LineInfo(r.fields()[0], r.fields()[1], r.fields()[2])));
            }
        }
        return out;
    }

    @Test
    void dataSectionsGetTheirSizesAndTheKernelTakesTheBtf() throws Exception {
        Loaded o = open("load_globals");
        Btf fixed = Btf.parse(o.fixedBtf());
        int rodata = fixed.idsNamed(".rodata").get(0);
        assertEquals(o.elf().sections.get(".rodata").length, fixed.size(rodata));
        try (io.bpf4j.btf.BtfHandle fd = io.bpf4j.btf.BtfHandle.loadRaw(o.fixedBtf(), "BTF of load_globals.bpf.o")) {
            assertTrue(fd.fd() > 0);
        }
        // Unfixed, the kernel refuses it and the error carries its log.
        BpfException e = assertThrows(
                BpfException.class,
                () -> io.bpf4j.btf.BtfHandle.loadRaw(o.elf().sections.get(".BTF"), "BTF of raw"));
        assertTrue(e.getMessage().contains("refused BTF of raw"), e.getMessage());
    }

    @Test
    void programsLoadWithBtfFuncAndLineInfo() throws Exception {
        Loaded o = open("load_core_values");
        Map<String, List<CoreRelocation>> relos = o.elf().coreRelocations(o.btf());
        CoreRelocator core = new CoreRelocator(o.btf(), kernel);
        String sec = "raw_tp/v_nested";
        List<Instruction> insns =
                core.apply("v_nested", Instruction.decodeAll(o.elf().sections.get(sec)), relos.get(sec));
        ProgramSpec spec = ProgramSpec.builder("v_nested", ProgramType.RAW_TRACEPOINT)
                .instructions(insns)
                .build();
        try (io.bpf4j.btf.BtfHandle btf = io.bpf4j.btf.BtfHandle.loadRaw(o.fixedBtf(), "load_core_values.bpf.o");
                Program p = Program.load(
                        spec,
                        LoadOptions.DEFAULT.withLogLevel(2),
                        ProgramBtf.withExtInfo(Program.request(spec), btf.fd(), funcs(o, sec), lines(o, sec)))) {
            assertTrue(p.info().btfId() > 0, p.info().toString());
            // With line info the verifier's log quotes the C source.
            assertTrue(p.verifierLog().contains("se.vruntime"), p.verifierLog());
        }
    }

    @Test
    void rejectionPointsAtTheSourceLine() throws Exception {
        Loaded o = open("load_core_poison");
        String sec = "raw_tp/poisoned";
        List<Instruction> insns = new CoreRelocator(o.btf(), kernel)
                .apply(
                        "poisoned",
                        Instruction.decodeAll(o.elf().sections.get(sec)),
                        o.elf().coreRelocations(o.btf()).get(sec));
        List<SourceLine> source = new ArrayList<>();
        for (Linker.Placed<ProgramBtf.LineInfo> l : lines(o, sec)) {
            source.add(new SourceLine(
                    l.slot(),
                    o.btf().string(l.record().fileNameOff()),
                    l.record().line(),
                    l.record().column(),
                    o.btf().string(l.record().lineOff())));
        }
        try (io.bpf4j.btf.BtfHandle btf = io.bpf4j.btf.BtfHandle.loadRaw(o.fixedBtf(), "load_core_poison.bpf.o")) {
            ProgramSpec spec = ProgramSpec.builder("poisoned", ProgramType.RAW_TRACEPOINT)
                    .instructions(insns)
                    .build();
            VerifierException raw = assertThrows(
                    VerifierException.class,
                    () -> Program.load(
                            spec,
                            LoadOptions.DEFAULT,
                            ProgramBtf.withExtInfo(Program.request(spec), btf.fd(), funcs(o, sec), lines(o, sec))));
            VerifierException e = VerifierSource.withSource(raw, "poisoned", source);
            assertTrue(e.getMessage().contains("load_core_poison.bpf.c:14"), e.getMessage());
            assertTrue(e.getMessage().contains("task_struct___old"), e.getMessage());
            assertTrue(e.getMessage().contains("CO-RE relocation matched nothing"), e.getMessage());
        }
    }
}
