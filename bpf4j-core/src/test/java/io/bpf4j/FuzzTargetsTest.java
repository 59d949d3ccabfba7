package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.BtfExt;
import io.bpf4j.btf.CHeaderWriter;
import io.bpf4j.internal.elf.ElfBinary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of every parser of untrusted bytes, from the seed corpus in
 * {@code src/test/resources/fuzz}: BPF objects ({@link ObjectSpec#read(byte[], String)}), BTF
 * ({@link Btf#parse} and the walks on it, the C header writer), {@code .BTF.ext} and user-space
 * ELF files ({@link ElfBinary}). Anything but the documented exception is a failure; the input is
 * then saved under {@code target/fuzz-failures} to reproduce it.
 *
 * <p>{@code -Dbpf4j.fuzz.runs=N} sets the executions per target (CI: the pom's default of 100,000;
 * {@code -Pfuzz}: 10,000,000). {@code -Dbpf4j.fuzz.seed=S} replays a run. Runs at the JVM's
 * default stack size, as everything does.
 */
class FuzzTargetsTest {
    private static final int RUNS = Integer.getInteger("bpf4j.fuzz.runs", 20_000);
    private static final long SEED = Long.getLong("bpf4j.fuzz.seed", 0xB7F4L);

    /** One parser: gives the bytes to it; returns normally or throws the documented exception. */
    private interface Target {
        void run(byte[] input) throws Exception;
    }

    @Test
    void objectReader() throws Exception {
        fuzz("elf", ObjectFormatException.class, b -> ObjectSpec.read(b, "fuzz.bpf.o"));
    }

    @Test
    void btfParserAndWalks() throws Exception {
        fuzz("btf", BtfException.class, b -> {
            Btf btf = Btf.parse(b);
            for (int id = 1; id < Math.min(btf.typeCount(), 64); id++) {
                btf.cName(id);
                try {
                    btf.sizeof(id);
                    btf.alignof(id);
                } catch (BtfException expected) {
                    // a type without a size or alignment (FUNC, FWD, ...)
                }
            }
            if (btf.typeCount() < 256) {
                CHeaderWriter.write(btf);
            }
        });
    }

    @Test
    void btfExtParser() throws Exception {
        Btf btf = Btf.parse(seeds("btfext").stream().filter(s -> s.name.endsWith(".btf")).findFirst().orElseThrow().bytes);
        fuzz("btfext", BtfException.class, b -> BtfExt.parse(b, btf), s -> s.endsWith(".ext"));
    }

    @Test
    void userBinaryReader() throws Exception {
        fuzz("binary", ObjectFormatException.class, b -> {
            ElfBinary bin = ElfBinary.read("fuzz", b);
            bin.symbol("getpid_like");
            bin.fileOffsetOfSymbol("getpid_like");
        });
    }

    private record Seed(String name, byte[] bytes) {
    }

    private static List<Seed> seeds(String dir) throws IOException {
        List<Seed> out = new ArrayList<>();
        try (InputStream list = FuzzTargetsTest.class.getResourceAsStream("/fuzz/" + dir + "/")) {
            if (list == null) {
                throw new IllegalStateException("no seed corpus at /fuzz/" + dir);
            }
            for (String name : new String(list.readAllBytes()).split("\n")) {
                try (InputStream in = FuzzTargetsTest.class.getResourceAsStream("/fuzz/" + dir + "/" + name)) {
                    out.add(new Seed(name, in.readAllBytes()));
                }
            }
        }
        return out;
    }

    private static void fuzz(String dir, Class<? extends Exception> documented, Target target) throws Exception {
        fuzz(dir, documented, target, n -> true);
    }

    private static void fuzz(String dir, Class<? extends Exception> documented, Target target,
                             java.util.function.Predicate<String> use) throws Exception {
        List<Seed> seeds = seeds(dir).stream().filter(s -> use.test(s.name)).toList();
        assertTrue(!seeds.isEmpty(), "seeds in " + dir);
        Random rnd = new Random(SEED ^ dir.hashCode());
        int accepted = 0;
        for (Seed s : seeds) {
            target.run(s.bytes); // every seed is valid input
        }
        for (int i = 0; i < RUNS; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())).bytes, rnd);
            try {
                target.run(input);
                accepted++;
            } catch (Exception e) {
                if (!documented.isInstance(e)) {
                    throw new AssertionError(dir + " run " + i + ": " + e + " (input saved at " + save(dir, i, input) + ")", e);
                }
            } catch (StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError(dir + " run " + i + ": " + e + " (input saved at " + save(dir, i, input) + ")", e);
            }
        }
        System.out.printf("fuzz %s: %d runs, %d accepted%n", dir, RUNS, accepted);
    }

    private static Path save(String dir, int run, byte[] input) {
        try {
            Path out = Path.of("target", "fuzz-failures", dir + "-" + SEED + "-" + run + ".bin");
            Files.createDirectories(out.getParent());
            return Files.write(out, input);
        } catch (IOException e) {
            return Path.of("(not saved: " + e.getMessage() + ")");
        }
    }

    /** 1..4 edits: bit flips, interesting words, random bytes, truncation, a duplicated block. */
    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] m = seed.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && m.length > 8; e++) {
            switch (rnd.nextInt(5)) {
                case 0 -> m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> {
                    int at = rnd.nextInt(m.length - 4) & ~3;
                    int[] interesting = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 1 << 24, 1 << 30, m.length, m.length - at};
                    ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(at, interesting[rnd.nextInt(interesting.length)]);
                }
                case 2 -> m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                case 3 -> m = Arrays.copyOf(m, rnd.nextInt(m.length + 1));
                default -> {
                    int from = rnd.nextInt(m.length);
                    int len = Math.min(m.length - from, 1 + rnd.nextInt(64));
                    int to = rnd.nextInt(m.length - len + 1);
                    System.arraycopy(m.clone(), from, m, to, len);
                }
            }
        }
        return m;
    }
}
