package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated vmlinux.h compiles with clang, and clang's layout of it equals BTF's. */
class CHeaderWriterTest {
    /**
     * Kernels built with -fms-extensions (7.x here) have members that are named structs or unions
     * without a member name ({@code struct ns_common { ...; struct ns_tree; }}); BTF keeps them so
     * and a vmlinux.h (bpftool's too) declares them so: C needs the same extension to lay them
     * out, as the kernel's own BPF selftests compile with.
     */
    private static final String MS_EXTENSIONS = "-fms-extensions";

    private static final String NO_MS_ANON_TAG_WARNING = "-Wno-microsoft-anon-tag";

    @TempDir
    Path dir;

    private static final String CORE_PROGRAM = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_core_read.h>
            char LICENSE[] SEC("license") = "GPL";
            SEC("tracepoint/sched/sched_process_exec")
            int on_exec(void *ctx)
            {
                struct task_struct *t = (void *)bpf_get_current_task();
                int pid = BPF_CORE_READ(t, pid);
                int ppid = BPF_CORE_READ(t, real_parent, tgid);
                bpf_printk("%d %d", pid, ppid);
                return 0;
            }
            """;

    @Test
    void vmlinuxHeaderCompilesACoreProgram() throws Exception {
        Files.writeString(dir.resolve("vmlinux.h"), CHeaderWriter.write(KernelBtf.vmlinux()));
        Files.writeString(dir.resolve("prog.bpf.c"), CORE_PROGRAM);
        // -Wall -Werror: the header itself warns of nothing (a duplicate const, a struct first
        // declared in a prototype's parameters), as bpftool's does not.
        BtfTestFiles.run(List.of(
                "clang-16",
                "-target",
                "bpf",
                "-O2",
                "-g",
                "-Wall",
                "-Werror",
                MS_EXTENSIONS,
                NO_MS_ANON_TAG_WARNING,
                "-D__TARGET_ARCH_x86",
                "-I",
                dir.toString(),
                "-c",
                dir.resolve("prog.bpf.c").toString(),
                "-o",
                dir.resolve("prog.bpf.o").toString()));
        assertTrue(Files.size(dir.resolve("prog.bpf.o")) > 0);
    }

    @Test
    void clangLaysOutEveryUniquelyNamedStructAsBtfSays() throws Exception {
        Btf btf = KernelBtf.vmlinux();
        Files.writeString(dir.resolve("vmlinux.h"), CHeaderWriter.write(btf));
        StringBuilder c = new StringBuilder("#include \"vmlinux.h\"\n");
        int asserts = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            // va_list is clang's own void * on BPF but x86's __va_list_tag[1] in the kernel (bpftool's vmlinux.h
            // alike).
            if (btf.type(id) instanceof Type.Struct s
                    && !s.name().isEmpty()
                    && btf.idsByName(s.name()).size() == 1
                    && s.members().stream().noneMatch(m -> btf.cName(m.typeId()).contains("va_list"))) {
                c.append("_Static_assert(sizeof(struct ")
                        .append(s.name())
                        .append(") == ")
                        .append(s.size())
                        .append(", \"size of ")
                        .append(s.name())
                        .append("\");\n");
                asserts++;
            }
        }
        Type.Struct task = btf.find("task_struct", Type.Struct.class).orElseThrow();
        for (Type.Member m : task.members()) {
            if (!m.name().isEmpty() && m.bitfieldSize() == 0) {
                c.append("_Static_assert(__builtin_offsetof(struct task_struct, ")
                        .append(m.name())
                        .append(") == ")
                        .append(m.bitOffset() / 8)
                        .append(", \"task_struct.")
                        .append(m.name())
                        .append("\");\n");
                asserts++;
            }
        }
        Files.writeString(dir.resolve("layout.c"), c);
        BtfTestFiles.run(List.of(
                "clang-16",
                "-target",
                "bpf",
                "-fsyntax-only",
                "-ferror-limit=0",
                MS_EXTENSIONS,
                NO_MS_ANON_TAG_WARNING,
                "-DBPF_NO_PRESERVE_ACCESS_INDEX",
                "-I",
                dir.toString(),
                dir.resolve("layout.c").toString()));
        assertTrue(asserts > 5000, asserts + " layout assertions");
    }

    /**
     * The header declares the same named structs, unions, enums and typedefs as bpftool's
     * {@code btf dump file /sys/kernel/btf/vmlinux format c} (libbpf's C dumper), so a program
     * written against bpftool's {@code vmlinux.h} finds every type in ours.
     */
    @Test
    void declaresWhatBpftoolsVmlinuxHeaderDeclares() throws Exception {
        Path bpftool = Stream.of("/usr/sbin/bpftool", "/usr/bin/bpftool", "/usr/local/sbin/bpftool")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("bpftool is not installed (scripts/setup.sh installs it)"));
        Path theirs = dir.resolve("bpftool.h");
        Process p = new ProcessBuilder(
                        bpftool.toString(), "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c")
                .redirectOutput(theirs.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "bpftool btf dump failed");
        Set<String> ours = declared(CHeaderWriter.write(KernelBtf.vmlinux()));
        Set<String> bpftools = declared(Files.readString(theirs));
        assertTrue(bpftools.size() > 1000, bpftools.size() + " declarations in bpftool's header");
        assertEquals(bpftools, ours);
    }

    private static final Pattern COMPOSITE = Pattern.compile("^(struct|union|enum) (\\w+) \\{", Pattern.MULTILINE);
    private static final Pattern TYPEDEF_LINE =
            Pattern.compile("^typedef .*?(\\w+)(\\)?\\(.*\\))?(\\[\\d*\\])*;$", Pattern.MULTILINE);
    private static final Pattern TYPEDEF_END = Pattern.compile("^\\} (\\w+)(\\[\\d*\\])*;$", Pattern.MULTILINE);

    /**
     * "struct x", "typedef y", ... for every named type a C header defines at file scope, without
     * the {@code ___N} suffix that tells apart types of one name: libbpf 1.1's dumper and ours may
     * number them differently (6.12 has two structs and a forward declaration named
     * intel_community_context; bpftool 1.1 defines one of the structs, we define both).
     */
    private static Set<String> declared(String header) {
        Set<String> names = new TreeSet<>();
        for (Matcher m = COMPOSITE.matcher(header); m.find(); ) {
            names.add(m.group(1) + " " + unsuffixed(m.group(2)));
        }
        for (Matcher m = TYPEDEF_LINE.matcher(header); m.find(); ) {
            names.add("typedef " + unsuffixed(m.group(1)));
        }
        for (Matcher m = TYPEDEF_END.matcher(header); m.find(); ) {
            names.add("typedef " + unsuffixed(m.group(1)));
        }
        return names;
    }

    private static String unsuffixed(String name) {
        return name.replaceFirst("___[0-9]+$", "");
    }
}
