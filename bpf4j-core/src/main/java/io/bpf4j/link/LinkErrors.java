package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a refused attach into the right exception: {@link NotSupportedException} only when a
 * probe shows the kernel lacks the feature (its own BTF has no enumerator for the attach type or
 * link type), otherwise the kernel's errno in words, naming what was attached to what, with a
 * hint of the usual cause.
 */
final class LinkErrors {
    private static final Map<String, Optional<Boolean>> KNOWN = new ConcurrentHashMap<>();

    private LinkErrors() {}

    /**
     * The exception for a refused BPF_LINK_CREATE (or another attach command).
     *
     * @param type the attach type asked for; probed in the kernel's {@code enum bpf_attach_type}
     * @param feature the feature's name for a {@link NotSupportedException}, {@code since} its Linux version
     */
    static BpfException refused(
            String description, long negErrno, BpfCmd cmd, AttachType type, String feature, String since) {
        int errno = (int) -negErrno;
        if (isUnsupportedErrno(errno)) {
            for (String[] probe :
                    new String[][] {{"bpf_cmd", cmd.kernelName()}, {"bpf_attach_type", type.kernelName()}}) {
                if (knowsEnumerator(probe[0], probe[1]).equals(Optional.of(false))) {
                    return new NotSupportedException(
                            feature + " (the kernel has no " + probe[1] + ")",
                            since,
                            errno,
                            cmd.kernelName(),
                            description);
                }
            }
        }
        return Bpf.error(
                "the kernel refused to attach " + description + hint(errno, "attach"), negErrno, cmd, description);
    }

    static boolean isUnsupportedErrno(int errno) {
        return errno == Errno.EINVAL.number() || errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number();
    }

    /**
     * Whether the running kernel's BTF has {@code enumerator} in {@code enum enumName}: empty when
     * the kernel has no BTF to ask (then nothing is reported as unsupported on a guess).
     */
    static Optional<Boolean> knowsEnumerator(String enumName, String enumerator) {
        return KNOWN.computeIfAbsent(enumName + ":" + enumerator, k -> {
            try {
                Btf btf = KernelBtf.vmlinux();
                Optional<Type.Enum> e = btf.find(enumName, Type.Enum.class);
                if (e.isEmpty()) {
                    return Optional.of(false);
                }
                return Optional.of(
                        e.get().values().stream().anyMatch(v -> v.name().equals(enumerator)));
            } catch (RuntimeException noBtf) {
                return Optional.empty();
            }
        });
    }

    /** The usual cause of an errno from an attach, for the message (empty when nothing useful). */
    static String hint(int errno, String verb) {
        Optional<Errno> e = Errno.of(errno);
        if (e.isEmpty()) {
            return "";
        }
        return switch (e.get()) {
            case EINVAL ->
                verb.equals("update")
                        ? " (this kind of link cannot swap programs, or the new program's type or attach type differs)"
                        : verb.equals("detach")
                                ? " (this kind of link cannot be detached in place)"
                                : " (the kernel found an argument invalid: the program's type or expected attach type does not"
                                        + " fit this target, or a flag or mode is wrong)";
            case EOPNOTSUPP, ENOTSUPP -> " (the target does not support this, e.g. a driver without native XDP)";
            case EEXIST -> " (a program is attached there already and this attachment does not replace it)";
            case EBUSY -> " (the target is in use by another attachment, e.g. an XDP program attached without a link)";
            case ENODEV -> " (no such network interface)";
            case EBADF -> " (the target is not of the kind this program attaches to)";
            case ENOENT -> " (no such target)";
            case E2BIG -> " (too many programs attached there)";
            default -> "";
        };
    }
}
