package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.BtfExt;
import io.bpf4j.btf.CHeaderWriter;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.StapsdtNotes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing (Jazzer, on libFuzzer) of every parser of untrusted bytes: BPF objects
 * ({@link ObjectSpec#read(byte[], String)}), BTF (an object's, and split on a base as a kernel
 * module's is on vmlinux's, with the walks and the C header writer), {@code .BTF.ext}, and
 * user-space ELF files with their USDT notes ({@link ElfBinary}, {@link StapsdtNotes}). Each
 * target returns normally or throws the parser's documented exception; anything else (another
 * exception, a stack overflow, running out of its 1 GiB heap, an input running over 10 s) is a finding: the run
 * fails, and the input is saved under {@code target/fuzz-failures}.
 *
 * <p>Each target is fuzzed in a child JVM (Jazzer's instrumentation agent and libFuzzer driver
 * are its own, and libFuzzer runs once per process), as many at a time as there are CPUs,
 * starting from the seed corpus in {@code src/test/resources/fuzz/<target>} (copied: the corpus
 * in the repository is not written). {@code -Dbpf4j.fuzz.runs=N} sets the executions per target
 * (every build: 100,000; {@code -Pfuzz}: 10,000,000).
 */
class FuzzTargetsTest {
    private static final long RUNS = Long.getLong("bpf4j.fuzz.runs", 100_000);

    /** BPF objects: read, or ObjectFormatException. */
    public static final class ObjectRead {
        public static void fuzzerTestOneInput(byte[] data) {
            try {
                ObjectSpec.read(data, "fuzz.bpf.o");
            } catch (ObjectFormatException expected) {
                // the documented refusal
            }
        }
    }

    /** BTF blobs, alone and split on a base: parsed and walked, or BtfException. */
    public static final class BtfParse {
        private static final Btf BASE = Btf.parse(resource("/fuzz/btf/load_tracepoint.btf"));

        public static void fuzzerTestOneInput(byte[] data) {
            try {
                walk(Btf.parse(data));
            } catch (BtfException expected) {
                // the documented refusal
            }
            try {
                walk(Btf.parse(data, BASE));
            } catch (BtfException expected) {
                // the documented refusal
            }
        }

        private static void walk(Btf btf) {
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
        }
    }

    /** .BTF.ext sections against the .BTF they came with: parsed, or BtfException. */
    public static final class BtfExtParse {
        private static final Btf BTF = Btf.parse(resource("/fuzz/btfext/load_core_poison.btf"));

        public static void fuzzerTestOneInput(byte[] data) {
            try {
                BtfExt.parse(data, BTF);
            } catch (BtfException expected) {
                // the documented refusal
            }
        }
    }

    /** User-space ELF files (uprobe symbols, USDT notes): read, or ObjectFormatException. */
    public static final class UserBinary {
        public static void fuzzerTestOneInput(byte[] data) {
            try {
                ElfBinary bin = ElfBinary.read("fuzz", data);
                bin.symbol("getpid_like");
                bin.fileOffsetOfSymbol("getpid_like");
                bin.functionNames();
            } catch (ObjectFormatException expected) {
                // the documented refusal
            }
            try {
                StapsdtNotes.read("fuzz", data);
            } catch (ObjectFormatException expected) {
                // the documented refusal
            }
        }
    }

    /** The targets, each with its seed directory under {@code src/test/resources/fuzz}. */
    private static final List<String> TARGETS =
            List.of("ObjectRead:elf", "BtfParse:btf", "BtfExtParse:btfext", "UserBinary:binary");

    /**
     * Jazzer's sanitizers look for injection bugs (SQL, LDAP, deserialization, paths...) in code
     * that calls such APIs; a byte parser calls none, and loading their hooks costs each JVM 3 s
     * of CPU. The parsers' own failure modes (exceptions, overflows, hangs) are caught without them.
     */
    private static final String SANITIZERS = Stream.of(
                    "BigDecimal",
                    "ClojureLangHooks",
                    "Deserialization",
                    "ExpressionLanguageInjection",
                    "FilePathTraversal",
                    "LdapInjection",
                    "NamingContextLookup",
                    "OsCommandInjection",
                    "ReflectiveCall",
                    "RegexInjection",
                    "RegexRoadblocks",
                    "ScriptEngineInjection",
                    "ServerSideRequestForgery",
                    "SqlInjection",
                    "TemplateInjection",
                    "UnsafeSanitizer",
                    "XPathInjection",
                    "XmlParserSsrfGuidance")
            .map(h -> "com.code_intelligence.jazzer.sanitizers." + h)
            .collect(java.util.stream.Collectors.joining(":"));

    /**
     * All targets, as many at a time as there are CPUs (each is a JVM of its own: libFuzzer runs
     * once per process). Prints each target's runs and seconds; fails on any finding.
     */
    @Test
    void fuzz() throws Exception {
        int parallel = Math.max(1, Math.min(TARGETS.size(), Runtime.getRuntime().availableProcessors()));
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<String>> runs = new ArrayList<>();
            for (String t : TARGETS) {
                runs.add(pool.submit(() -> fuzz(t)));
            }
            for (java.util.concurrent.Future<String> f : runs) {
                try {
                    System.out.println(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(String.valueOf(e.getCause().getMessage()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(
                "fuzz: %d targets x >= %d runs in %.1f s (%d at a time)%n",
                TARGETS.size(), RUNS, (System.nanoTime() - start) / 1e9, parallel);
        assertEquals(List.of(), failures);
    }

    private static String fuzz(String targetAndCorpus) throws Exception {
        String target = targetAndCorpus.substring(0, targetAndCorpus.indexOf(':'));
        String corpus = targetAndCorpus.substring(target.length() + 1);
        Path work = Files.createTempDirectory("bpf4j-fuzz-" + target + "-");
        try {
            Path seeds = Files.createDirectory(work.resolve("corpus"));
            for (String name : seedNames(corpus)) {
                if (!(target.equals("BtfExtParse") && name.endsWith(".btf"))) {
                    Files.write(seeds.resolve(name), resource("/fuzz/" + corpus + "/" + name));
                }
            }
            Path failures =
                    Files.createDirectories(Path.of("target", "fuzz-failures").toAbsolutePath());
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx1g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "com.code_intelligence.jazzer.Jazzer",
                    "--target_class=" + FuzzTargetsTest.class.getName() + "$" + target,
                    "--instrumentation_includes=io.bpf4j.**",
                    // Coverage and comparison tracing (the comparisons guide the fuzzer to magic
                    // numbers and lengths); division and indirect-call tracing halve the rate and
                    // found nothing more here.
                    "--trace=cov:cmp",
                    "--disabled_hooks=" + SANITIZERS,
                    // libFuzzer's own byte mutations, with its length control (small inputs first).
                    "--mutator_framework=false",
                    "-runs=" + RUNS,
                    "-timeout=10",
                    "-rss_limit_mb=0",
                    "-seed=1",
                    "-artifact_prefix=" + failures + "/" + target + "-",
                    seeds.toString()));
            Path log = work.resolve("jazzer.log");
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean done = p.waitFor(30, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String out = Files.readString(log);
            String tail = out.substring(Math.max(0, out.length() - 4000));
            assertTrue(done, target + ": Jazzer did not finish in 30 minutes\n" + tail);
            assertEquals(0, p.exitValue(), target + ": a finding (input saved under " + failures + ")\n" + tail);
            Matcher m = Pattern.compile("Done (\\d+) runs in (\\d+) second").matcher(out);
            assertTrue(m.find(), target + ": no run count from Jazzer\n" + tail);
            long runs = Long.parseLong(m.group(1));
            assertTrue(runs >= RUNS, target + ": " + runs + " runs, asked for " + RUNS);
            Matcher cov = Pattern.compile("cov: (\\d+)").matcher(out);
            String lastCov = "?";
            while (cov.find()) {
                lastCov = cov.group(1);
            }
            return String.format(
                    "fuzz %s: %d runs in %.1f s (JVM start included; fuzzing alone %s s), %.0f execs/s, coverage %s"
                            + " edges",
                    target, runs, seconds, m.group(2), runs / seconds, lastCov);
        } finally {
            deleteTree(work);
        }
    }

    private static List<String> seedNames(String dir) throws IOException {
        try (InputStream list = FuzzTargetsTest.class.getResourceAsStream("/fuzz/" + dir + "/")) {
            if (list == null) {
                throw new IllegalStateException("no seed corpus at /fuzz/" + dir);
            }
            return List.of(new String(list.readAllBytes()).split("\n"));
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = FuzzTargetsTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
