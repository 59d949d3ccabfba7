package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.PermissionException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * bpf(2): the one entry point for every BPF command, and the small commands that need no
 * object-specific logic (pin, get by path, ids, info). Results follow {@link Libc#syscall}:
 * {@code >= 0} or {@code -errno}.
 */
public final class Bpf {
    private Bpf() {}

    /** bpf(cmd, attr, size); returns the kernel's result or {@code -errno}. */
    public static long call(BpfCmd cmd, MemorySegment attr, int size) {
        long r;
        do {
            r = Libc.syscall(Libc.SYS_BPF, cmd.number(), attr.address(), size, 0, 0, 0);
        } while (r == -Errno.EINTR.number() || (r == -Errno.EAGAIN.number() && cmd == BpfCmd.PROG_LOAD));
        return r;
    }

    /**
     * bpf(cmd, attr, size) for the map element commands (lookup, update, delete, next key):
     * short in-kernel work on memory bpf4j owns, so it goes through the cheaper critical gate.
     */
    public static long callElem(BpfCmd cmd, MemorySegment attr, int size) {
        long r;
        do {
            r = Libc.syscallCritical(Libc.SYS_BPF, cmd.number(), attr.address(), size);
        } while (r == -Errno.EINTR.number());
        return r;
    }

    /**
     * The exception for a failed command when the caller has no more specific one: EPERM/EACCES
     * become {@link PermissionException}, the rest {@link BpfException}.
     */
    public static BpfException error(String message, long negErrno, BpfCmd cmd, String object) {
        int errno = (int) -negErrno;
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            return new PermissionException(message, errno, cmd.kernelName(), object);
        }
        return new BpfException(message, errno, cmd.kernelName(), object);
    }

    /**
     * {@link #error}, but EOPNOTSUPP/ENOTSUPP (the kernel saying plainly that it lacks the
     * operation) become a {@link NotSupportedException} for {@code feature}, brought by Linux
     * {@code since}. EINVAL stays a {@link BpfException} in the kernel's words: it usually means a
     * bad argument, and a missing feature is only claimed where a probe says so (see the overload).
     */
    public static BpfException errorOrUnsupported(
            String message, long negErrno, BpfCmd cmd, String object, String feature, String since) {
        int errno = (int) -negErrno;
        if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
            return new NotSupportedException(feature, since, errno, cmd.kernelName(), object);
        }
        return error(message, negErrno, cmd, object);
    }

    /**
     * {@link #errorOrUnsupported(String, long, BpfCmd, String, String, String)}, and EINVAL too
     * becomes a {@link NotSupportedException} when {@code supported} (a feature probe, asked only
     * then) says this kernel lacks the feature.
     */
    public static BpfException errorOrUnsupported(
            String message,
            long negErrno,
            BpfCmd cmd,
            String object,
            String feature,
            String since,
            java.util.function.BooleanSupplier supported) {
        if (negErrno == -Errno.EINVAL.number() && !supported.getAsBoolean()) {
            return new NotSupportedException(feature, since, Errno.EINVAL.number(), cmd.kernelName(), object);
        }
        return errorOrUnsupported(message, negErrno, cmd, object, feature, since);
    }

    /** Pins the object behind {@code fd} at {@code path} on a bpffs. */
    public static void pin(Fd fd, Path path) {
        int raw = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(Attr.ObjPin.LAYOUT);
            attr.set(
                    JAVA_LONG,
                    Attr.ObjPin.PATHNAME,
                    arena.allocateFrom(path.toString()).address());
            attr.set(JAVA_INT, Attr.ObjPin.BPF_FD, raw);
            long r = call(BpfCmd.OBJ_PIN, attr, Attr.ObjPin.SIZE);
            if (r < 0) {
                String message = "cannot pin " + fd.what() + " at " + path;
                int errno = (int) -r;
                if (errno == Errno.EPERM.number()) {
                    throw new PermissionException(
                            message,
                            "its directory is not on a bpf filesystem (mount -t bpf bpf"
                                    + " /sys/fs/bpf, and pin below it)",
                            errno,
                            BpfCmd.OBJ_PIN.kernelName(),
                            fd.what());
                }
                String why = errno == Errno.EEXIST.number()
                        ? ": something is pinned there already (unpin it first)"
                        : errno == Errno.ENOENT.number()
                                ? ": its directory does not exist"
                                : errno == Errno.EINVAL.number()
                                        ? ": is a bpffs mounted there? (mount -t bpf bpf /sys/fs/bpf)"
                                        : "";
                throw error(message + why, r, BpfCmd.OBJ_PIN, fd.what());
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Opens the object pinned at {@code path}, not following a symbolic link there and refusing
     * files that are not pins (see {@link Pins}); {@code what} names it for errors.
     */
    public static Fd getPinned(Path path, String what) {
        return Pins.open(path, what);
    }

    /** Opens a map, program, link or BTF by its kernel id ({@code cmd} says which). */
    public static Fd fdById(BpfCmd cmd, int id, String what) {
        MemorySegment attr = Scratch.get().attr(Attr.GetId.SIZE);
        attr.set(JAVA_INT, Attr.GetId.START_ID, id);
        long r = call(cmd, attr, Attr.GetId.SIZE);
        if (r < 0) {
            throw error("cannot open " + what, r, cmd, what); // what names the id
        }
        return new Fd((int) r, what);
    }

    /** The next id after {@code start} for {@code cmd} (a *_GET_NEXT_ID), or -1 at the end. */
    public static int nextId(BpfCmd cmd, int start) {
        MemorySegment attr = Scratch.get().attr(Attr.GetId.SIZE);
        attr.set(JAVA_INT, Attr.GetId.START_ID, start);
        long r = call(cmd, attr, Attr.GetId.SIZE);
        if (r == -Errno.ENOENT.number()) {
            return -1;
        }
        if (r < 0) {
            throw error("cannot list ids", r, cmd, "");
        }
        return attr.get(JAVA_INT, Attr.GetId.NEXT_ID);
    }

    /**
     * Fills {@code info} (a bpf_map_info / bpf_prog_info / bpf_link_info / bpf_btf_info buffer)
     * for the object behind {@code fd}; returns the length the kernel wrote.
     */
    public static int infoByFd(Fd fd, MemorySegment info) {
        int raw = fd.acquire();
        try {
            MemorySegment attr = Scratch.get().attr(Attr.InfoByFd.SIZE);
            attr.set(JAVA_INT, Attr.InfoByFd.BPF_FD, raw);
            attr.set(JAVA_INT, Attr.InfoByFd.INFO_LEN, (int) info.byteSize());
            attr.set(JAVA_LONG, Attr.InfoByFd.INFO, info.address());
            long r = call(BpfCmd.OBJ_GET_INFO_BY_FD, attr, Attr.InfoByFd.SIZE);
            if (r < 0) {
                throw error("cannot read the info of " + fd.what(), r, BpfCmd.OBJ_GET_INFO_BY_FD, fd.what());
            }
            return attr.get(JAVA_INT, Attr.InfoByFd.INFO_LEN);
        } finally {
            fd.release();
        }
    }

    /** Writes a NUL-padded object name (at most 15 bytes, as the kernel keeps) at {@code offset}. */
    public static void putObjectName(MemorySegment attr, long offset, String name) {
        byte[] b = ObjectNames.sanitize(name).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, attr, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, b.length);
    }
}
