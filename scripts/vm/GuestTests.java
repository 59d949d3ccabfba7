import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs bpf4j-core's tests inside a test guest (scripts/vm/guest-tests.sh) on the JUnit Platform
 * directly: under software emulation Maven's own start costs minutes, and the guest has nothing
 * to build. Compiled on the host by scripts/vm/prepare-tests.sh.
 *
 * <pre>GuestTests TEST_CLASSES_DIR REPORT_FILE EXCLUDES_FILE [CLASS[#METHOD]...]</pre>
 *
 * Runs the test classes under TEST_CLASSES_DIR that surefire would (names ending in Test, Tests
 * or starting with Test), minus the lines of EXCLUDES_FILE (a simple class name, or
 * Class#method); or, when given, only the named classes or methods (excluded or not). Prints each class's
 * counts, each failure with its stack trace, and writes one line per test to REPORT_FILE:
 * {@code PASSED|FAILED|SKIPPED <tab> Class.method <tab> reason <tab> seconds}. Exits 0 when tests ran and none
 * failed.
 */
public final class GuestTests {
    private GuestTests() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: GuestTests TEST_CLASSES_DIR REPORT_FILE EXCLUDES_FILE [CLASS[#METHOD]...]");
            System.exit(2);
        }
        Path classes = Path.of(args[0]);
        Path report = Path.of(args[1]);
        List<String> excludes = Files.readAllLines(Path.of(args[2])).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> only = List.of(args).subList(3, args.length);

        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(classes)))
                .filters(ClassNameFilter.includeClassNamePatterns(ClassNameFilter.STANDARD_INCLUDE_PATTERN),
                        // named tests run even when listed as host-only
                        only.isEmpty() ? selection(excludes, false) : selection(only, true))
                .build();
        Listener listener = new Listener(System.out);
        LauncherFactory.create().execute(request, listener);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.write(report, listener.lines);
        System.out.printf("guest-tests: %d tests, %d passed, %d failed, %d skipped%n",
                listener.lines.size(), listener.count("PASSED"), listener.count("FAILED"), listener.count("SKIPPED"));
        System.exit(listener.lines.isEmpty() || listener.count("FAILED") > 0 ? 1 : 0);
    }

    /** Keeps (include) or drops (exclude) the tests named Class or Class#method; no names: keeps all. */
    private static PostDiscoveryFilter selection(List<String> names, boolean include) {
        return descriptor -> {
            if (names.isEmpty() || !(descriptor.getSource().orElse(null) instanceof MethodSource m)) {
                return FilterResult.included("not a named test method");
            }
            String cls = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
            boolean named = names.contains(cls) || names.contains(cls + "#" + m.getMethodName());
            return FilterResult.includedIf(named == include);
        };
    }

    /** Prints per class, collects one line per test. */
    private static final class Listener implements TestExecutionListener {
        private static final Pattern NEWLINES = Pattern.compile("\\s*\\R\\s*");
        private static final Pattern DYNAMIC = Pattern.compile("\\[dynamic-test:#(\\d+)\\]$");
        final List<String> lines = new ArrayList<>();
        private final PrintStream out;
        private final Map<String, long[]> classes = new LinkedHashMap<>();
        private TestPlan plan;

        Listener(PrintStream out) {
            this.out = out;
        }

        long count(String status) {
            return lines.stream().filter(l -> l.startsWith(status + "\t")).count();
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        private final Map<String, Long> startedAt = new java.util.HashMap<>();

        @Override
        public void executionStarted(TestIdentifier id) {
            startedAt.put(id.getUniqueId(), System.nanoTime());
            if (isClass(id)) {
                classes.put(id.getUniqueId(), new long[] {System.nanoTime(), lines.size()});
                out.println("[guest] Running " + className(id));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            record(id, "SKIPPED", reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> record(id, "PASSED", "");
                case ABORTED -> record(id, "SKIPPED", result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
                case FAILED -> {
                    record(id, "FAILED", why);
                    out.println("[guest] FAILED " + name(id));
                    result.getThrowable().ifPresent(t -> {
                        StringWriter s = new StringWriter();
                        t.printStackTrace(new PrintWriter(s));
                        out.print(s);
                    });
                }
            }
            long[] started = classes.get(id.getUniqueId());
            if (started != null) {
                List<String> mine = lines.subList((int) started[1], lines.size());
                out.printf("[guest] %s: %d tests, %d failed, %d skipped, %.1f s%n", className(id), mine.size(),
                        mine.stream().filter(l -> l.startsWith("FAILED")).count(),
                        mine.stream().filter(l -> l.startsWith("SKIPPED")).count(),
                        (System.nanoTime() - started[0]) / 1e9);
            }
        }

        /** A test's outcome; a container's passes on to the tests in it that did not run. */
        private void record(TestIdentifier id, String status, String reason) {
            Long t0 = startedAt.get(id.getUniqueId());
            String secs = t0 == null ? "0" : String.format("%.1f", (System.nanoTime() - t0) / 1e9);
            String line = status + "\t" + name(id) + "\t" + NEWLINES.matcher(reason == null ? "" : reason).replaceAll(" ")
                    + "\t" + secs;
            if (id.isTest()) {
                lines.add(line);
            } else if (!status.equals("PASSED")) {
                List<TestIdentifier> tests = plan.getDescendants(id).stream().filter(TestIdentifier::isTest).toList();
                boolean ran = tests.stream().anyMatch(t -> lines.stream().anyMatch(l -> l.split("\t")[1].equals(name(t))));
                if (status.equals("FAILED") || tests.isEmpty() || ran) {
                    lines.add(line);   // a class-level failure counts once, as itself
                } else {
                    String why = line.split("\t")[2];
                    tests.forEach(t -> lines.add(status + "\t" + name(t) + "\t" + why + "\t0"));
                }
            }
        }

        private boolean isClass(TestIdentifier id) {
            return id.getSource().filter(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).isPresent();
        }

        private String className(TestIdentifier id) {
            return id.getLegacyReportingName();
        }

        private String name(TestIdentifier id) {
            Optional<String> m = id.getSource().filter(s -> s instanceof MethodSource)
                    .map(s -> ((MethodSource) s).getClassName().replaceAll(".*\\.", "") + "." + ((MethodSource) s).getMethodName());
            String base = m.orElse(id.getLegacyReportingName());
            // a dynamic test (@TestFactory) by its index, as surefire names it, and its name
            java.util.regex.Matcher dyn = DYNAMIC.matcher(id.getUniqueId());
            if (dyn.find()) {
                return base + "[" + dyn.group(1) + "] " + id.getDisplayName();
            }
            return id.getDisplayName().startsWith("[") ? base + id.getDisplayName() : base;
        }
    }
}
