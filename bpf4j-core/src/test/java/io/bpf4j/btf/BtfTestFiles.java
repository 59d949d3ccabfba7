package io.bpf4j.btf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test inputs: the kernel's BTF, clang objects' sections (extracted with llvm-objcopy) and bpftool's dump. */
final class BtfTestFiles {
    static final String[] KIND_NAMES = {
        "UNKN",
        "INT",
        "PTR",
        "ARRAY",
        "STRUCT",
        "UNION",
        "ENUM",
        "FWD",
        "TYPEDEF",
        "VOLATILE",
        "CONST",
        "RESTRICT",
        "FUNC",
        "FUNC_PROTO",
        "VAR",
        "DATASEC",
        "FLOAT",
        "DECL_TAG",
        "TYPE_TAG",
        "ENUM64"
    };

    private BtfTestFiles() {}

    static byte[] vmlinux() throws IOException {
        return Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux"));
    }

    static Path object(String name) {
        return Path.of(System.getProperty("bpf4j.test.bpf.dir", "target/test-classes/bpf"), name + ".bpf.o");
    }

    /** One ELF section's bytes, dumped by llvm-objcopy-16. */
    static byte[] section(Path object, String section) throws IOException, InterruptedException {
        Path out = Files.createTempFile("bpf4j-btf-", ".sec");
        Path discardDir = Files.createTempDirectory("bpf4j-btf-");
        Path discard = discardDir.resolve("discard.o");
        try {
            run(List.of(
                    "llvm-objcopy-16", "--dump-section", section + "=" + out, object.toString(), discard.toString()));
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(discard);
            Files.deleteIfExists(discardDir);
        }
    }

    /** bpftool's plain-text {@code btf dump file} output. */
    static List<String> bpftoolDump(Path file) throws IOException, InterruptedException {
        return List.of(
                run(List.of("bpftool", "btf", "dump", "file", file.toString())).split("\n"));
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return out;
    }
}
