package io.bpf4j;

import io.bpf4j.testing.Kernel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a test: open + load + close of suite objects, warm, printed for comparison
 * with libbpf in the same run. Runs only with -Dbpf4j.measure=true; asserts nothing about time.
 */
@EnabledIfSystemProperty(
        named = "bpf4j.measure",
        matches = "true",
        disabledReason = "a measurement: run with -Dbpf4j.measure=true")
class LoaderTimingLoadTest {
    @Test
    void openLoadClose() throws Exception {
        Kernel.assumeRoot();
        for (String name : new String[] {"load_core_exec", "load_probes", "load_core_values"}) {
            Path obj = Kernel.bpfObject(name);
            int warm = 200;
            int n = 50;
            double total = 0;
            for (int i = 0; i < warm + n; i++) {
                long t0 = System.nanoTime();
                try (BpfObject o = ObjectLoader.load(ElfLoadFixture.plan(obj), ObjectLoader.Options.DEFAULT)) {
                    if (o.programs().isEmpty()) {
                        throw new AssertionError("nothing loaded from " + name);
                    }
                }
                if (i == 0) {
                    System.out.printf(
                            "bpf4j first open+load+close %s: %.3f ms (cold JVM path, kernel BTF read if first)%n",
                            name, (System.nanoTime() - t0) / 1e6);
                }
                if (i >= warm) {
                    total += (System.nanoTime() - t0) / 1e6;
                }
            }
            System.out.printf(
                    "bpf4j open+load+close %s: %.3f ms/object (n=%d, after %d warm-up loads)%n",
                    name, total / n, n, warm);
        }
    }
}
