package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C header writer: its output compiles with clang and lays structs out as BTF says. */
class CHeaderWriterTest {

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

    private static void compile(Path dir, String header, String program) throws Exception {
        Files.writeString(dir.resolve("types.h"), header);
        Path c = dir.resolve("use.c");
        Files.writeString(c, "#include \"types.h\"\n" + program);
        Process p = new ProcessBuilder(clang(), "-target", "bpf", "-O2", "-g", "-Wno-everything", "-c", c.toString(),
                "-o", dir.resolve("use.o").toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        List<String> firstErrors = log.lines().filter(l -> l.contains("error")).limit(10).toList();
        assertEquals(0, rc, "clang rejected the header:\n" + String.join("\n", firstErrors));
    }

    @Test
    void vmlinuxHeaderCompilesWithKernelLayouts(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel without BTF");
        Btf btf = KernelBtf.vmlinux();
        String header = CHeaderWriter.write(btf);
        Type.Struct task = btf.find("task_struct", Type.Struct.class).orElseThrow();
        long pid = task.members().stream().filter(m -> m.name().equals("pid")).findFirst().orElseThrow().bitOffset() / 8;
        long comm = task.members().stream().filter(m -> m.name().equals("comm")).findFirst().orElseThrow().bitOffset() / 8;
        compile(dir, header, """
                _Static_assert(sizeof(struct task_struct) == %d, "task_struct size");
                _Static_assert(__builtin_offsetof(struct task_struct, pid) == %d, "pid offset");
                _Static_assert(__builtin_offsetof(struct task_struct, comm) == %d, "comm offset");
                _Static_assert(sizeof(((struct task_struct *)0)->comm) == 16, "comm is char[16]");
                int get_pid(struct task_struct *t) { return t->pid + t->tgid + t->comm[0]; }
                """.formatted(task.size(), pid, comm));
    }

    /**
     * Every uniquely named vmlinux struct has its BTF size in the generated C, except where C for
     * the BPF target cannot say it: {@code va_list} is {@code void *} there (bpftool's header has
     * the same mismatch), and two structs whose packed-yet-aligned layout needs tricks this writer
     * does not do yet.
     */
    @Test
    void vmlinuxStructSizesMatchBtf(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel without BTF");
        Btf btf = KernelBtf.vmlinux();
        java.util.Map<String, Integer> count = new java.util.HashMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            String name = t instanceof Type.Struct s ? s.name() : t instanceof Type.Union u ? u.name()
                    : t instanceof Type.Enum e ? e.name() : t instanceof Type.Enum64 e ? e.name() : "";
            if (!name.isEmpty()) {
                count.merge(name, 1, Integer::sum);
            }
        }
        StringBuilder asserts = new StringBuilder();
        int checked = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.type(id) instanceof Type.Struct s && !s.name().isEmpty() && count.get(s.name()) == 1) {
                asserts.append("_Static_assert(sizeof(struct ").append(s.name()).append(") == ").append(s.size())
                        .append(", \"SIZE ").append(s.name()).append("\");\n");
                checked++;
            }
        }
        Files.writeString(dir.resolve("types.h"), CHeaderWriter.write(btf));
        Path c = dir.resolve("sizes.c");
        Files.writeString(c, "#include \"types.h\"\n" + asserts);
        Process p = new ProcessBuilder(clang(), "-target", "bpf", "-Wno-everything", "-ferror-limit=0", "-fsyntax-only",
                c.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        java.util.Set<String> wrong = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"SIZE (\\w+)\"").matcher(log);
        while (m.find()) {
            wrong.add(m.group(1));
        }
        assertTrue(checked > 5000, "checked " + checked);
        assertTrue(log.lines().noneMatch(l -> l.contains("error:") && !l.contains("static assertion failed")),
                log.lines().filter(l -> l.contains("error:")).limit(5).toList().toString());
        assertTrue(java.util.Set.of("warn_args", "compat_blk_user_trace_setup", "virtio_vsock").containsAll(wrong),
                "structs whose C size differs from BTF: " + wrong);
    }

    /** The suite's CO-RE programs, written against bpftool's vmlinux.h, compile against bpf4j's. */
    @Test
    void coreTestProgramsCompileAgainstTheGeneratedVmlinuxHeader(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel without BTF");
        Path src = Path.of("src/test/bpf");
        Assumptions.assumeTrue(Files.isDirectory(src), "BPF sources not at " + src.toAbsolutePath());
        Files.writeString(dir.resolve("vmlinux.h"), CHeaderWriter.write(KernelBtf.vmlinux()));
        List<Path> core;
        try (var files = Files.list(src)) {
            core = files.filter(f -> f.toString().endsWith(".bpf.c")).filter(f -> {
                try {
                    return Files.readString(f).contains("#include \"vmlinux.h\"");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
        assertTrue(core.size() >= 3, "CO-RE programs in " + src + ": " + core);
        for (Path f : core) {
            Process p = new ProcessBuilder(clang(), "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I", dir.toString(),
                    "-I", src.resolve("include").toString(), "-c", f.toString(), "-o", dir.resolve("out.o").toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), f + " against bpf4j's vmlinux.h:\n"
                    + String.join("\n", log.lines().filter(l -> l.contains("error")).limit(10).toList()));
            if (f.getFileName().toString().equals("load_core_exec.bpf.c") && "root".equals(System.getProperty("user.name"))) {
                // Built on bpf4j's header, CO-RE relocated against the kernel, accepted by the verifier.
                try (io.bpf4j.BpfObject obj = io.bpf4j.ObjectSpec.read(dir.resolve("out.o")).load()) {
                    assertTrue(obj.findProgram("on_exec").isPresent(), obj.programs().keySet().toString());
                }
            }
        }
    }

    @Test
    void objectHeaderCompiles(@TempDir Path dir) throws Exception {
        Path obj = Kernel.bpfObject("load_globals");
        byte[] raw = Files.readAllBytes(obj);
        io.bpf4j.internal.elf.ElfFile elf = io.bpf4j.internal.elf.ElfFile.readBpfObject(obj.toString(), raw);
        Btf btf = Btf.parse(elf.data(".BTF"));
        String header = CHeaderWriter.write(btf);
        assertTrue(header.contains("struct xdp_md {"), header);
        compile(dir, header, "int f(struct xdp_md *x) { return x->data_end - x->data; }\n");
    }
}
