package io.bpf4j.internal.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ObjectFormatException;
import io.bpf4j.testing.Kernel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uprobe side of the ELF reader: symbol lookup and address-to-offset translation, checked
 * against binutils' own view of the same files ({@code nm}, {@code readelf}).
 */
class ElfBinaryTest {
    private static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");

    @Test
    void libcGetpidOffsetMatchesNmAndReadelf() throws Exception {
        Assumptions.assumeTrue(Files.exists(LIBC), "no x86-64 glibc at " + LIBC);
        ElfBinary libc = ElfBinary.open(LIBC);
        assertEquals(ElfBinary.ET_DYN, libc.elfType());

        long address = nmAddress(run("nm", "-D", LIBC.toString()), "getpid");
        assertEquals(address, libc.symbol("getpid").orElseThrow().value());
        assertEquals(
                expectedOffset(LIBC, address), libc.fileOffsetOfSymbol("getpid").getAsLong());
    }

    @Test
    void nonPieExecutableTranslatesAddressesThroughItsLoadSegment(@TempDir Path dir) throws Exception {
        Path exe = compileNonPie(dir);
        ElfBinary bin = ElfBinary.open(exe);
        assertEquals(ElfBinary.ET_EXEC, bin.elfType());

        long address = nmAddress(run("nm", exe.toString()), "bpf4j_probe_target");
        long offset = bin.fileOffsetOfSymbol("bpf4j_probe_target").getAsLong();
        assertNotEquals(address, offset, "a non-PIE executable is linked at 0x400000, so address and offset differ");
        assertEquals(expectedOffset(exe, address), offset);
        // A reading of the same bytes gives the same answer as a reading through the file channel.
        assertEquals(
                offset,
                ElfBinary.read(exe.toString(), Files.readAllBytes(exe))
                        .fileOffsetOfSymbol("bpf4j_probe_target")
                        .getAsLong());
    }

    @Test
    void undefinedMissingAndDataSymbolsHaveNoFunctionOffset(@TempDir Path dir) throws Exception {
        ElfBinary bin = ElfBinary.open(compileNonPie(dir));
        assertEquals(OptionalLong.empty(), bin.fileOffsetOfSymbol("no_such_function_anywhere"));
        // __libc_start_main is only referenced by the executable, defined in libc.
        assertTrue(run("nm", dir.resolve("probe").toString()).contains("U __libc_start_main"));
        assertEquals(OptionalLong.empty(), bin.fileOffsetOfSymbol("__libc_start_main"));
        assertTrue(bin.symbol("bpf4j_probe_counter").isPresent(), "a data symbol is still a symbol");
        assertEquals(OptionalLong.empty(), bin.fileOffsetOfSymbol("bpf4j_probe_counter"));
    }

    @Test
    void relocatableBpfObjectOffsetsPointAtTheFunctionsInstructions() throws Exception {
        Path obj = Kernel.bpfObject("load_subprogs");
        byte[] raw = Files.readAllBytes(obj);
        ElfFile parsed = ElfFile.readBpfObject(obj.toString(), raw);
        ElfBinary bin = ElfBinary.open(obj);
        assertEquals(ElfBinary.ET_REL, bin.elfType());
        assertEquals(ElfFile.EM_BPF, bin.machine());
        for (String fn : List.of("xdp_first", "xdp_second")) {
            ElfFile.Symbol sym = parsed.symbols().stream()
                    .filter(s -> s.name().equals(fn))
                    .findFirst()
                    .orElseThrow();
            int offset = (int) bin.fileOffsetOfSymbol(fn).getAsLong();
            byte[] section = parsed.data(sym.section());
            assertArrayEquals(
                    Arrays.copyOfRange(section, (int) sym.value(), (int) sym.value() + 16),
                    Arrays.copyOfRange(raw, offset, offset + 16),
                    fn + "'s first two instructions");
        }
    }

    @Test
    void badFilesAreRefusedNamingFileAndOffset(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(compileNonPie(dir));

        var notElf = assertThrows(
                ObjectFormatException.class,
                () -> ElfBinary.read(
                        "hello.txt",
                        "hello, world, this is not an ELF file at all......................."
                                .getBytes(StandardCharsets.US_ASCII)));
        assertTrue(
                notElf.getMessage().contains("hello.txt") && notElf.getMessage().contains("magic"),
                notElf.getMessage());

        assertTrue(assertThrows(ObjectFormatException.class, () -> ElfBinary.read("short", Arrays.copyOf(good, 40)))
                .getMessage()
                .contains("too short"));

        byte[] big = good.clone();
        big[5] = 2;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ElfBinary.read("be", big))
                .getMessage()
                .contains("big-endian"));

        byte[] elf32 = good.clone();
        elf32[4] = 1;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ElfBinary.read("e32", elf32))
                .getMessage()
                .contains("32-bit"));

        byte[] farPhdrs = good.clone();
        ByteBuffer.wrap(farPhdrs).order(ByteOrder.LITTLE_ENDIAN).putLong(0x20, 1L << 40);
        var e = assertThrows(ObjectFormatException.class, () -> ElfBinary.read("far", farPhdrs));
        assertTrue(
                e.getMessage().contains("far: program headers")
                        && e.getMessage().contains("past the end"),
                e.getMessage());

        // A truncated file: the section headers sit at the end, so they are cut off.
        Path cut = dir.resolve("cut");
        Files.write(cut, Arrays.copyOf(good, good.length - 100));
        var truncated = assertThrows(ObjectFormatException.class, () -> ElfBinary.open(cut));
        assertTrue(
                truncated.getMessage().startsWith(cut.toString())
                        && truncated.getMessage().contains("section headers"),
                truncated.getMessage());

        var missing = assertThrows(ObjectFormatException.class, () -> ElfBinary.open(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
    }

    /** Seeded and bounded: every mutant of a real executable reads fine or fails with ObjectFormatException. */
    @Test
    void mutatedExecutablesFailOnlyWithObjectFormatException(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(compileNonPie(dir));
        Random random = new Random(0x5eed_e1fL);
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] mutant = good.clone();
            int edits = 1 + random.nextInt(8);
            for (int i = 0; i < edits; i++) {
                // Bias toward the headers, where the offsets and counts are.
                int at = random.nextBoolean()
                        ? random.nextInt(Math.min(256, mutant.length))
                        : random.nextInt(mutant.length);
                mutant[at] = (byte) random.nextInt(256);
            }
            if (random.nextInt(10) == 0) {
                mutant = Arrays.copyOf(mutant, random.nextInt(mutant.length));
            }
            try {
                ElfBinary bin = ElfBinary.read("mutant-" + round, mutant);
                bin.fileOffsetOfSymbol("bpf4j_probe_target");
                bin.fileOffsetOfSymbol("main");
            } catch (ObjectFormatException expected) {
                refused++;
                assertTrue(expected.getMessage().startsWith("mutant-" + round + ": "), expected.getMessage());
            }
        }
        assertTrue(refused > 0, "the mutations never hit a checked field, so this test checks nothing");
    }

    private static Path compileNonPie(Path dir) throws Exception {
        Path src = dir.resolve("probe.c");
        Files.writeString(src, """
                int bpf4j_probe_counter = 7;
                __attribute__((noinline)) int bpf4j_probe_target(int x) { return x * 3 + bpf4j_probe_counter; }
                int main(void) { return bpf4j_probe_target(1) == 10 ? 0 : 1; }
                """);
        Path exe = dir.resolve("probe");
        run("clang-16", "-O1", "-no-pie", "-o", exe.toString(), src.toString());
        return exe;
    }

    /** The file offset binutils implies: readelf's PT_LOAD covering the address, mapped by hand. */
    private static long expectedOffset(Path file, long address) throws Exception {
        List<long[]> loads = new ArrayList<>();
        for (String line : run("readelf", "-lW", file.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[0].equals("LOAD")) {
                loads.add(new long[] {Long.decode(f[1]), Long.decode(f[2]), Long.decode(f[4])});
            }
        }
        for (long[] l : loads) {
            if (address >= l[1] && address < l[1] + l[2]) {
                return address - l[1] + l[0];
            }
        }
        throw new AssertionError("readelf shows no LOAD segment covering 0x" + Long.toHexString(address));
    }

    private static long nmAddress(String nmOutput, String name) {
        for (String line : nmOutput.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && (f[2].equals(name) || f[2].startsWith(name + "@"))) {
                return Long.parseUnsignedLong(f[0], 16);
            }
        }
        throw new AssertionError("nm does not list " + name);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
