package io.bpf4j.internal.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** ElfFile on a clang BPF object and on the system's libc, checked against readelf/nm. */
class ElfFileTest {
    private static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    private static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    @Test
    void bpfObjectSectionsSymbolsRelocations() throws Exception {
        Path obj = Kernel.bpfObject("load_globals");
        ElfFile elf = ElfFile.parse(obj.toString(), Files.readAllBytes(obj)).requireBpfObject();
        ElfFile.Section xdp = elf.section("xdp").orElseThrow();
        assertTrue(xdp.executable());
        assertTrue(elf.symbols().stream().anyMatch(s -> s.name().equals("xdp_globals") && s.type() == ElfFile.STT_FUNC
                && s.section() == xdp.index()));
        List<ElfFile.Relocation> rel = elf.relocations(xdp);
        assertFalse(rel.isEmpty());
        assertTrue(rel.stream().allMatch(r -> r.type() == ElfFile.R_BPF_64_64), rel.toString());
        // readelf agrees on the number of sections.
        long readelfSections = run("readelf", "-SW", obj.toString()).stream().filter(l -> l.matches("\\s*\\[\\s*\\d+\\].*")).count();
        assertEquals(readelfSections, elf.sections().size());
    }

    @Test
    void libcGetpidFileOffsetMatchesNmAndReadelf() throws Exception {
        Assumptions.assumeTrue(Files.exists(LIBC), "no " + LIBC);
        ElfFile libc = ElfFile.parse(LIBC.toString(), Files.readAllBytes(LIBC));
        long addr = run("nm", "-D", LIBC.toString()).stream().filter(l -> l.matches("\\S+ [TW] getpid(@.*)?"))
                .map(l -> Long.parseUnsignedLong(l.split(" ")[0], 16)).findFirst().orElseThrow();
        // Translate through the executable PT_LOAD segment readelf shows.
        long expected = -1;
        for (String l : run("readelf", "-lW", LIBC.toString())) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 7 && f[0].equals("LOAD") && l.contains(" R E ")) {
                long off = Long.decode(f[1]);
                long vaddr = Long.decode(f[2]);
                long filesz = Long.decode(f[4]);
                if (addr >= vaddr && addr < vaddr + filesz) {
                    expected = addr - vaddr + off;
                }
            }
        }
        assertTrue(expected > 0, "readelf shows an executable segment holding getpid");
        assertEquals(expected, libc.fileOffsetOfSymbol("getpid").orElseThrow());
        assertTrue(libc.fileOffsetOfSymbol("no_such_function_bpf4j").isEmpty());
        assertFalse(libc.dynamicSymbols().isEmpty());
    }
}
