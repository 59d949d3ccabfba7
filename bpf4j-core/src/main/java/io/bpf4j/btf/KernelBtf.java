package io.bpf4j.btf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The running kernel's BTF from {@code /sys/kernel/btf}: {@code vmlinux}, read and parsed once on
 * first use and shared, and the split BTF of loaded modules on top of it.
 *
 * <pre>{@code
 * Btf kernel = KernelBtf.vmlinux();
 * Optional<Btf> nf = KernelBtf.module("nf_conntrack");
 * }</pre>
 */
public final class KernelBtf {
    private static final Path DIR = Path.of("/sys/kernel/btf");
    private static final ConcurrentMap<String, Optional<Btf>> MODULES = new ConcurrentHashMap<>();

    private KernelBtf() {}

    private static final Parsed VMLINUX = new Parsed(DIR.resolve("vmlinux"));

    /**
     * A BTF file parsed once, on first use, and shared; a failure is remembered too and thrown as
     * a fresh {@link BtfException} to every caller (a class-initializer holder would throw
     * ExceptionInInitializerError once and NoClassDefFoundError after).
     */
    static final class Parsed {
        private final Path file;
        private volatile Btf btf;
        private BtfException failure;

        Parsed(Path file) {
            this.file = file;
        }

        Btf get() {
            Btf parsed = btf;
            return parsed != null ? parsed : parse();
        }

        private synchronized Btf parse() {
            if (btf == null && failure == null) {
                try {
                    btf = Btf.parse(Files.readAllBytes(file));
                } catch (NoSuchFileException e) {
                    failure = new BtfException(
                            "the kernel has no BTF: " + e.getFile() + " is missing (CONFIG_DEBUG_INFO_BTF=n)", e);
                } catch (IOException e) {
                    failure = new BtfException("cannot read " + file + ": " + e.getMessage(), e);
                } catch (BtfException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw new BtfException(failure.getMessage(), failure);
            }
            return btf;
        }
    }

    /**
     * The kernel's own BTF, parsed on the first call (thread-safe) and shared afterwards.
     *
     * @throws BtfException when the kernel has no BTF or it cannot be read or parsed (on every
     *         call, not only the first)
     */
    public static Btf vmlinux() {
        return VMLINUX.get();
    }

    /**
     * The split BTF of a loaded kernel module, whose ids continue {@link #vmlinux()}'s; empty when
     * {@code /sys/kernel/btf/<name>} does not exist. Cached per module.
     *
     * @throws BtfException for a name with a path separator, or BTF that cannot be read or parsed
     */
    public static Optional<Btf> module(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals("..") || name.equals(".") || name.equals("vmlinux")) {
            throw new BtfException("not a kernel module name: '" + name + "'");
        }
        return MODULES.computeIfAbsent(name, n -> readModule(DIR.resolve(n), vmlinux()));
    }

    static Optional<Btf> readModule(Path file, Btf base) {
        try {
            return Optional.of(Btf.parse(Files.readAllBytes(file), base));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BtfException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
