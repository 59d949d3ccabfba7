package io.bpf4j;

import static org.junit.jupiter.api.Assertions.fail;

import io.bpf4j.testing.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A seeded, bounded mutation fuzzer over the real clang objects: every mutated file either reads
 * or fails with an {@link ObjectFormatException}; anything else (index errors, arithmetic
 * surprises, stack overflows, out-of-memory) fails the test with the seed that reproduces it.
 */
class ObjectSpecFuzzTest {
    private static final long SEED = 0xB9F_2026L;
    private static final int MUTANTS_PER_OBJECT = 300;

    @Test
    void mutatedObjectsReadOrFailCleanly() throws IOException {
        Path dir = Kernel.bpfObject("load_globals").getParent();
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        for (Path obj : objects) {
            byte[] original = Files.readAllBytes(obj);
            for (int i = 0; i < MUTANTS_PER_OBJECT; i++) {
                long seed = SEED ^ (obj.getFileName().toString().hashCode() * 31L + i);
                byte[] mutant = mutate(original, new Random(seed));
                check(obj + " mutant seed " + seed, mutant);
            }
        }
    }

    static void check(String what, byte[] mutant) {
        try {
            ObjectSpec.read(mutant, "mutant.bpf.o").toString();
        } catch (ObjectFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail(what + ": format error without a message", e);
            }
        } catch (Throwable t) {
            fail(what + ": " + t, t);
        }
    }

    /** One to eight mutations: byte flips, random 32-bit words (often at header fields), truncation. */
    static byte[] mutate(byte[] original, Random r) {
        byte[] b = original.clone();
        int n = 1 + r.nextInt(8);
        for (int k = 0; k < n; k++) {
            int choice = r.nextInt(10);
            if (choice == 0) {
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            int at = choice < 4 ? r.nextInt(Math.min(b.length, 64)) : r.nextInt(b.length);
            if (choice < 7) {
                b[at] ^= (byte) (1 << r.nextInt(8));
            } else {
                int v =
                        switch (r.nextInt(4)) {
                            case 0 -> -1;
                            case 1 -> 0;
                            case 2 -> 0x7fff_ffff;
                            default -> r.nextInt();
                        };
                for (int j = 0; j < 4 && at + j < b.length; j++) {
                    b[at + j] = (byte) (v >>> (8 * j));
                }
            }
        }
        return b;
    }
}
