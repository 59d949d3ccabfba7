package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ObjectFormatException;
import io.bpf4j.internal.elf.StapsdtNotes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .note.stapsdt reader against binutils' readelf, on the test target, its library and the JDK's libjvm. */
class UsdtNotesTest {
    @TempDir
    static Path dir;

    static UsdtTarget target;

    @BeforeAll
    static void build() throws Exception {
        target = UsdtTarget.build(dir);
    }

    /** provider, name, location, base, semaphore, arguments of every note, as readelf -n prints them. */
    private static List<String[]> readelf(Path file) throws Exception {
        Process p = new ProcessBuilder("readelf", "-n", "--wide", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "readelf -n " + file);
        Pattern note =
                Pattern.compile("Provider: (\\S+)\\s+Name: (\\S+)\\s+Location: 0x([0-9a-f]+), Base: 0x([0-9a-f]+), "
                        + "Semaphore: 0x([0-9a-f]+)\\s+Arguments: ?([^\\n]*)");
        List<String[]> notes = new ArrayList<>();
        Matcher m = note.matcher(out);
        while (m.find()) {
            notes.add(new String[] {
                m.group(1),
                m.group(2),
                m.group(3),
                m.group(4),
                m.group(5),
                m.group(6).trim()
            });
        }
        return notes;
    }

    private static void matchesReadelf(Path file) throws Exception {
        List<UsdtProbe> probes = Usdt.probes(file);
        List<String[]> expected = readelf(file);
        assertEquals(expected.size(), probes.size(), "probe count of " + file);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < probes.size(); i++) {
            UsdtProbe p = probes.get(i);
            String[] e = expected.get(i);
            assertEquals(e[0], p.provider());
            assertEquals(e[1], p.name());
            // Not prelinked: .stapsdt.base is where the notes say, so the address is the note's location.
            assertEquals(Long.parseUnsignedLong(e[2], 16), p.address(), p.toString());
            long sem = Long.parseUnsignedLong(e[4], 16);
            assertEquals(sem, p.semaphoreAddress().orElse(0), p.toString());
            assertEquals(sem != 0, p.semaphoreOffset().isPresent());
            assertEquals(e[5], p.arguments(), p.toString());
            // sdt.h puts a one-byte nop at each site: the file offset must point at it.
            assertEquals((byte) 0x90, bytes[(int) p.fileOffset()], "nop at the file offset of " + p);
        }
    }

    @Test
    void targetAndLibraryMatchReadelf() throws Exception {
        matchesReadelf(target.binary);
        matchesReadelf(target.library);
        List<UsdtProbe> probes = Usdt.probes(target.binary);
        assertEquals(
                3,
                probes.stream().filter(p -> p.id().equals("bpf4j_test:sizes")).count());
        UsdtProbe gated = probes.stream()
                .filter(p -> p.id().equals("bpf4j_test:gated"))
                .findFirst()
                .orElseThrow();
        // The semaphore's file offset is where .probes lies in the file.
        long probesOffset = sectionOffset(target.binary, ".probes");
        assertEquals(probesOffset, gated.semaphoreOffset().getAsLong());
        // The three sites put the arguments in registers, in memory and in constants: every form.
        List<UsdtArgument> all =
                probes.stream().flatMap(p -> p.parsedArguments().stream()).toList();
        assertTrue(all.stream().anyMatch(a -> a instanceof UsdtArgument.Register));
        assertTrue(all.stream().anyMatch(a -> a instanceof UsdtArgument.Memory));
        assertTrue(all.stream().anyMatch(a -> a instanceof UsdtArgument.Constant));
        for (int size : new int[] {1, 2, 4, 8}) {
            for (boolean signed : new boolean[] {true, false}) {
                assertTrue(all.stream().anyMatch(a -> a.size() == size && a.signed() == signed), size + " " + signed);
            }
        }
    }

    @Test
    void jdkHotspotProbes() throws Exception {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        List<String[]> expected = readelf(libjvm);
        List<UsdtProbe> probes = Usdt.probes(libjvm);
        assertEquals(expected.size(), probes.size());
        if (expected.isEmpty()) {
            return; // a JDK built without DTrace probes: nothing to compare, and nothing read wrongly
        }
        matchesReadelf(libjvm);
        assertTrue(probes.stream().anyMatch(p -> p.id().equals("hotspot:thread__start")), "hotspot:thread__start");
        assertTrue(
                probes.stream().anyMatch(p -> p.id().equals("hotspot_jni:GetVersion__entry")),
                "hotspot_jni:GetVersion__entry");
        // Every argument of a real, optimized binary decodes, or says which probe and argument it is.
        List<String> undecodable = new ArrayList<>();
        for (UsdtProbe p : probes) {
            try {
                p.parsedArguments();
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains(p.id()) && e.getMessage().contains("argument #"), e.getMessage());
                undecodable.add(e.getMessage());
            }
        }
        System.out.println("libjvm: " + probes.size() + " USDT sites, " + undecodable.size()
                + " with undecodable arguments"
                + undecodable.stream().limit(5).map(m -> "\n  " + m).collect(java.util.stream.Collectors.joining()));
    }

    @Test
    void noNotesIsNoProbes() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertTrue(Usdt.probes(java).isEmpty()
                || Usdt.probes(java).stream().allMatch(p -> !p.provider().isEmpty()));
        ObjectFormatException notElf =
                assertThrows(ObjectFormatException.class, () -> Usdt.probes(UsdtTarget.SOURCES.resolve("usdt_lib.c")));
        assertTrue(notElf.getMessage().contains("usdt_lib.c"), notElf.getMessage());
    }

    @Test
    void truncatedAndHostileNotesAreRefused() throws Exception {
        byte[] good = Files.readAllBytes(target.binary);
        int first = indexOf(good, "stapsdt\0".getBytes(StandardCharsets.US_ASCII)) - 12;
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8, b.getInt(first), "the first note's name size");
        assertEquals(3, b.getInt(first + 8), "NT_STAPSDT");

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(first + 4, 0x7fff_fff0);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read("huge", huge));
        assertTrue(
                e.getMessage().contains("huge")
                        && e.getMessage().contains(".note.stapsdt")
                        && e.getMessage().contains("past the section's end"),
                e.getMessage());

        byte[] small = good.clone();
        ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putInt(first + 4, 20);
        e = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read("small", small));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());

        byte[] unterminated = good.clone();
        int desc = first + 12 + 8;
        int descSize = b.getInt(first + 4);
        for (int i = desc + 24; i < desc + descSize; i++) {
            unterminated[i] = 'x';
        }
        e = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read("unterminated", unterminated));
        assertTrue(e.getMessage().contains("NUL-terminated"), e.getMessage());

        byte[] wild = good.clone();
        ByteBuffer.wrap(wild).order(ByteOrder.LITTLE_ENDIAN).putLong(desc, 0x7777_0000_0000L);
        e = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read("wild", wild));
        assertTrue(
                e.getMessage().contains("bpf4j_test:sizes") && e.getMessage().contains("no PT_LOAD segment"),
                e.getMessage());

        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read("truncated", truncated));
        assertFalse(StapsdtNotes.read("good", good).probes().isEmpty());
    }

    /**
     * A seeded mutation fuzzer over the notes (and now and then the headers): every mutant either
     * reads, its probes' arguments decoding or failing with IllegalArgumentException, or fails
     * with an ObjectFormatException with a message. Anything else fails with the reproducing seed.
     */
    @Test
    void mutatedNotesReadOrFailCleanly() throws Exception {
        byte[] good = Files.readAllBytes(target.binary);
        int notes = indexOf(good, "stapsdt\0".getBytes(StandardCharsets.US_ASCII)) - 12;
        int notesEnd = notes + 0x210 + 64;
        for (int i = 0; i < 1500; i++) {
            long seed = 0x05D7_2026L + i;
            java.util.Random r = new java.util.Random(seed);
            byte[] m = good.clone();
            int n = 1 + r.nextInt(6);
            for (int k = 0; k < n; k++) {
                int at = r.nextInt(10) == 0 ? r.nextInt(64 * 4) : notes + r.nextInt(notesEnd - notes);
                switch (r.nextInt(4)) {
                    case 0 -> m[at] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> m[at] = (byte) r.nextInt(256);
                    case 2 -> m[at] = (byte) "%@$()-,: 0123456789abcdefgrx".charAt(r.nextInt(28));
                    default -> {
                        int v = r.nextBoolean() ? r.nextInt() : r.nextInt(64);
                        for (int j = 0; j < 4 && at + j < m.length; j++) {
                            m[at + j] = (byte) (v >>> (8 * j));
                        }
                    }
                }
            }
            try {
                for (StapsdtNotes.Probe p : StapsdtNotes.read("mutant", m).probes()) {
                    try {
                        UsdtArgumentParser.parse(p.arguments(), p.provider() + ":" + p.name());
                    } catch (IllegalArgumentException e) {
                        assertTrue(e.getMessage().contains("argument"), "seed " + seed + ": " + e.getMessage());
                    }
                }
            } catch (ObjectFormatException e) {
                assertTrue(e.getMessage() != null && e.getMessage().startsWith("mutant: "), "seed " + seed + ": " + e);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ": " + t, t);
            }
        }
    }

    private static long sectionOffset(Path file, String section) throws Exception {
        Process p = new ProcessBuilder("readelf", "-S", "--wide", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile(Pattern.quote(section) + "\\s+\\S+\\s+[0-9a-f]+\\s+([0-9a-f]+)")
                .matcher(out);
        assertTrue(m.find(), section + " in " + out);
        return Long.parseLong(m.group(1), 16);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
