package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bpf4j's vmlinux.h as a drop-in for bpftool's: every CO-RE program of the test suite (written
 * against bpftool's header) compiles against it, and one so built loads through ObjectSpec.
 */
class VmlinuxHeaderSuiteTest {

    private static String clang() {
        for (String c : List.of("clang-16", "clang")) {
            for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
                if (Files.isExecutable(Path.of(dir, c))) {
                    return Path.of(dir, c).toString();
                }
            }
        }
        Assumptions.assumeTrue(false, "no clang installed");
        return "";
    }

    /** The suite's CO-RE programs, written against bpftool's vmlinux.h, compile against bpf4j's. */
    @Test
    void coreTestProgramsCompileAgainstTheGeneratedVmlinuxHeader(@TempDir Path dir) throws Exception {
        io.bpf4j.testing.KernelFeature.assume(
                Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")),
                "kernel BTF",
                "/sys/kernel/btf/vmlinux is not readable (CONFIG_DEBUG_INFO_BTF=n)");
        Path src = Path.of("src/test/bpf");
        Assumptions.assumeTrue(Files.isDirectory(src), "BPF sources not at " + src.toAbsolutePath());
        Files.writeString(dir.resolve("vmlinux.h"), CHeaderWriter.write(KernelBtf.vmlinux()));
        List<Path> core;
        try (var files = Files.list(src)) {
            core = files.filter(f -> f.toString().endsWith(".bpf.c"))
                    .filter(f -> {
                        try {
                            return Files.readString(f).contains("#include \"vmlinux.h\"");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .sorted()
                    .toList();
        }
        assertTrue(core.size() >= 3, "CO-RE programs in " + src + ": " + core);
        for (Path f : core) {
            Process p = new ProcessBuilder(
                            clang(),
                            "-g",
                            "-O2",
                            "-target",
                            "bpf",
                            "-D__TARGET_ARCH_x86",
                            "-I",
                            dir.toString(),
                            "-I",
                            src.resolve("include").toString(),
                            "-I",
                            "/usr/include/"
                                    + ("amd64".equals(System.getProperty("os.arch"))
                                            ? "x86_64"
                                            : System.getProperty("os.arch"))
                                    + "-linux-gnu",
                            "-c",
                            f.toString(),
                            "-o",
                            dir.resolve("out.o").toString())
                    .redirectErrorStream(true)
                    .start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(
                    0,
                    p.waitFor(),
                    f + " against bpf4j's vmlinux.h:\n"
                            + String.join(
                                    "\n",
                                    log.lines()
                                            .filter(l -> l.contains("error"))
                                            .limit(10)
                                            .toList()));
            if (f.getFileName().toString().equals("load_core_exec.bpf.c")
                    && "root".equals(System.getProperty("user.name"))) {
                // Built on bpf4j's header, CO-RE relocated against the kernel, accepted by the verifier.
                try (io.bpf4j.BpfObject obj =
                        io.bpf4j.ObjectSpec.read(dir.resolve("out.o")).load()) {
                    assertTrue(
                            obj.findProgram("on_exec").isPresent(),
                            obj.programs().keySet().toString());
                }
            }
        }
    }
}
