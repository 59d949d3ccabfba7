package io.bpf4j.maven;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.CHeaderWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;

/**
 * Puts {@code vmlinux.h} into the generated include directory: a copy of a header checked into the
 * project, or bpf4j's {@link CHeaderWriter} dump of a BTF file (by default the build machine's
 * {@code /sys/kernel/btf/vmlinux}). The file is rewritten only when its content changes, so its
 * modification time tells the incremental compile whether programs that include it are stale;
 * a BTF source is hashed and the (slow) dump redone only when the hash changes.
 */
final class VmlinuxHeader {
    static final Path KERNEL_BTF = Path.of("/sys/kernel/btf/vmlinux");
    static final String NAME = "vmlinux.h";

    private VmlinuxHeader() {}

    /**
     * Writes {@code vmlinux.h} into {@code includeDir} unless the one there is already current: a copy
     * of the configured header, or the C declarations of the configured or the kernel's BTF.
     *
     * @param header a configured header to copy, if any (wins over BTF)
     * @param btfFile a configured raw BTF file, if any (else the kernel's)
     * @param includeDir where {@code vmlinux.h} is written
     * @param stamp a string that changes when the header writer may write differently (the plugin version)
     * @return the header's path, or empty when there is no source for it (no kernel BTF and nothing configured)
     */
    static Optional<Path> prepare(Optional<Path> header, Optional<Path> btfFile, Path includeDir, String stamp, Log log)
            throws MojoFailureException, IOException {
        Files.createDirectories(includeDir);
        Path out = includeDir.resolve(NAME);
        Path stampFile = includeDir.resolve(NAME + ".source");
        if (header.isPresent()) {
            Path h = header.get();
            if (!Files.isRegularFile(h)) {
                throw new MojoFailureException("bpf4j: <vmlinuxHeader> " + h + " does not exist");
            }
            writeIfChanged(out, Files.readAllBytes(h));
            Files.deleteIfExists(stampFile);
            log.debug("bpf4j: vmlinux.h copied from " + h);
            return Optional.of(out);
        }
        Path btf = btfFile.orElse(KERNEL_BTF);
        if (!Files.isReadable(btf)) {
            if (btfFile.isPresent()) {
                throw new MojoFailureException("bpf4j: <btfFile> " + btf + " does not exist or cannot be read");
            }
            log.info("bpf4j: no vmlinux.h (" + KERNEL_BTF
                    + " is missing: the kernel has no BTF); programs that include it need"
                    + " <btfFile> (a BTF blob) or <vmlinuxHeader> (a header checked into the project)");
            Files.deleteIfExists(out);
            Files.deleteIfExists(stampFile);
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(btf);
        String key = btf.toAbsolutePath() + " " + sha256(bytes) + " " + stamp;
        if (Files.isRegularFile(out)
                && Files.isRegularFile(stampFile)
                && Files.readString(stampFile, StandardCharsets.UTF_8).equals(key)) {
            log.debug("bpf4j: vmlinux.h up to date with " + btf);
            return Optional.of(out);
        }
        String text;
        try {
            text = CHeaderWriter.write(Btf.parse(bytes));
        } catch (BtfException e) {
            throw new MojoFailureException(
                    "bpf4j: cannot write vmlinux.h from " + btf + ": " + e.getMessage()
                            + " (a <btfFile> must be raw BTF, as /sys/kernel/btf/vmlinux; or set <vmlinuxHeader>)",
                    e);
        }
        log.info("bpf4j: wrote vmlinux.h from " + btf);
        writeIfChanged(out, text.getBytes(StandardCharsets.UTF_8));
        Files.writeString(stampFile, key, StandardCharsets.UTF_8);
        return Optional.of(out);
    }

    /** Writes {@code bytes} unless the file already holds exactly them (its mtime then stays). */
    static boolean writeIfChanged(Path file, byte[] bytes) throws IOException {
        if (Files.isRegularFile(file)
                && Files.size(file) == bytes.length
                && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return false;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
