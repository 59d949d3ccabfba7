package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects clang builds without complaint but that cannot load: refused by {@code read} with the
 * place named, not by a NullPointerException or IllegalArgumentException deep in {@code load}.
 */
class ObjectReadRefusalsTest {
    @TempDir
    Path dir;

    private static final String HEADER = """
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            char LICENSE[] SEC("license") = "GPL";
            """;

    private Path compile(String name, String source) throws IOException, InterruptedException {
        Path c = dir.resolve(name + ".bpf.c");
        Path o = dir.resolve(name + ".bpf.o");
        Files.writeString(c, HEADER + source);
        String arch = "/usr/include/"
                + ("amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch"))
                + "-linux-gnu";
        Process p = new ProcessBuilder(List.of(
                        "clang-16", "-g", "-O2", "-target", "bpf", "-I", arch, "-c", c.toString(), "-o", o.toString()))
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError("clang failed:\n" + log);
        }
        return o;
    }

    @Test
    void aMapOfMapsWithoutAnInnerMap() throws Exception {
        Path o = compile("no_inner", """
                struct {
                    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
                    __uint(max_entries, 1);
                    __type(key, int);
                    __type(value, int);
                } outer SEC(".maps");
                SEC("xdp") int prog(struct xdp_md *ctx) { return bpf_map_lookup_elem(&outer, &(int){0}) ? 1 : 2; }
                """);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(o));
        assertTrue(e.getMessage().contains("outer") && e.getMessage().contains("inner map"), e.getMessage());
        assertTrue(e.getMessage().contains("section .maps"), e.getMessage());
    }

    @Test
    void anExternThatIsNeitherKconfigNorKsym() throws Exception {
        Path o = compile("plain_extern", """
                extern int somewhere;
                SEC("xdp") int prog(struct xdp_md *ctx) { return somewhere; }
                """);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(o));
        assertTrue(e.getMessage().contains("somewhere") && e.getMessage().contains("section xdp"), e.getMessage());
    }

    @Test
    void aBssClaimingAGibibyteAllocatesNothingAtRead() throws Exception {
        Path o = compile("big_bss", """
                char big[1 << 30];
                SEC("xdp") int prog(struct xdp_md *ctx) { return big[ctx->rx_queue_index & 1023]; }
                """);
        long before = usedHeap();
        ObjectSpec spec = ObjectSpec.read(o);
        assertTrue(usedHeap() - before < 256L << 20, "reading allocated by the size .bss claims");
        assertTrue(spec.maps().get(".bss").valueSize() == 1 << 30);
        assertTrue(spec.variables().isEmpty() || spec.variables().get("big").size() == 1 << 30);
    }

    @Test
    void aKconfigExternClaimingAGibibyteIsRefused() throws Exception {
        Path o = compile("huge_kconfig", """
                extern char CONFIG_HUGE[1 << 30] __kconfig __weak;
                SEC("xdp") int prog(struct xdp_md *ctx) { return CONFIG_HUGE[ctx->rx_queue_index & 7]; }
                """);
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(o));
        assertTrue(e.getMessage().contains("CONFIG_HUGE") && e.getMessage().contains(".kconfig"), e.getMessage());
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
