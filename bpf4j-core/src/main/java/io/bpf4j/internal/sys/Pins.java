package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.PermissionException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Opening pinned objects without following symbolic links. BPF_OBJ_GET itself follows links, so a
 * link planted in a shared pin directory ({@code /sys/fs/bpf} is often mode 1777) would hand a
 * privileged process someone else's map. Here the pin's last component is opened with
 * {@code O_PATH | O_NOFOLLOW}, checked on that descriptor (not a link, a regular file, on a bpffs),
 * and only then given to BPF_OBJ_GET as {@code /proc/self/fd/N}, which names exactly the file
 * checked: nothing can be swapped in between.
 *
 * <pre>{@code
 * Fd map = Pins.open(Path.of("/sys/fs/bpf/counts"), "map pinned at /sys/fs/bpf/counts");
 * }</pre>
 */
public final class Pins {
    /** statfs.f_type of a bpf filesystem. */
    static final long BPF_FS_MAGIC = 0xcafe4a11L;

    private static final long SYS_FSTAT = 5;
    private static final long SYS_FSTATFS = 138;
    private static final long AT_FDCWD = -100;
    private static final int O_PATH = 010000000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    /** struct stat (x86-64): st_mode at 24 of 144 bytes. struct statfs: f_type at 0 of 120 bytes. */
    private static final int STAT_SIZE = 144;

    private static final int STAT_MODE = 24;
    private static final int STATFS_SIZE = 120;

    private Pins() {}

    /**
     * Opens the object pinned at {@code path}: a map, program, link or BTF (the caller checks
     * which). {@code what} names it in errors.
     *
     * @throws BpfException naming the reason: nothing pinned there, a symbolic link, a directory
     *         or a file outside bpffs, or the kernel's refusal
     */
    public static Fd open(Path path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            long pathC = arena.allocateFrom(path.toString()).address();
            long r = Libc.syscall(Libc.SYS_OPENAT, AT_FDCWD, pathC, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, 0, 0);
            if (r < 0) {
                int errno = (int) -r;
                String why = errno == Errno.ENOENT.number()
                        ? ": nothing is pinned there (no such file)"
                        : errno == Errno.ENOTDIR.number()
                                ? ": a parent of it is not a directory"
                                : errno == Errno.EACCES.number()
                                        ? ": a directory on the way may not be searched by this process"
                                        : "";
                throw new BpfException("cannot open the pinned object at " + path + why, errno, "open", what);
            }
            int pathFd = (int) r;
            try {
                check(path, pathFd, arena, what);
                MemorySegment attr = arena.allocate(Attr.ObjPin.LAYOUT);
                attr.set(
                        JAVA_LONG,
                        Attr.ObjPin.PATHNAME,
                        arena.allocateFrom("/proc/self/fd/" + pathFd).address());
                long fd = Bpf.call(BpfCmd.OBJ_GET, attr, Attr.ObjPin.SIZE);
                if (fd < 0) {
                    throw Bpf.error("cannot open the pinned object at " + path, fd, BpfCmd.OBJ_GET, what);
                }
                return new Fd((int) fd, what);
            } finally {
                Libc.syscall(Libc.SYS_CLOSE, pathFd, 0, 0);
            }
        }
    }

    /** Refuses what is not a pin: a link, a directory or other non-regular file, or a file outside bpffs. */
    private static void check(Path path, int pathFd, Arena arena, String what) {
        MemorySegment st = arena.allocate(STAT_SIZE, 8);
        long r = Libc.syscall(SYS_FSTAT, pathFd, st.address(), 0);
        if (r < 0) {
            throw new BpfException("cannot stat " + path, (int) -r, "fstat", what);
        }
        int type = st.get(JAVA_INT, STAT_MODE) & S_IFMT;
        if (type == S_IFLNK) {
            throw new PermissionException(
                    "refusing to open the pinned object at " + path,
                    "it is a symbolic link, and bpf4j opens pins without following links (a link planted in a shared"
                            + " pin directory could hand over another user's object); open the link's target path"
                            + " if you trust it",
                    Errno.ELOOP.number(),
                    "open",
                    what);
        }
        MemorySegment fs = arena.allocate(STATFS_SIZE, 8);
        r = Libc.syscall(SYS_FSTATFS, pathFd, fs.address(), 0);
        if (r < 0) {
            throw new BpfException("cannot statfs " + path, (int) -r, "fstatfs", what);
        }
        long magic = fs.get(JAVA_LONG, 0);
        if (magic != BPF_FS_MAGIC) {
            throw new PermissionException(
                    "cannot open the pinned object at " + path,
                    "it is not on a bpf filesystem (filesystem magic 0x" + Long.toHexString(magic)
                            + "): pins live on a bpffs (mount -t bpf bpf /sys/fs/bpf)",
                    Errno.EACCES.number(),
                    BpfCmd.OBJ_GET.kernelName(),
                    what);
        }
        if (type != S_IFREG) {
            throw new BpfException(
                    "cannot open the pinned object at " + path + ": it is "
                            + (type == S_IFDIR ? "a directory" : "not a regular file") + " on the bpffs, not a pin",
                    type == S_IFDIR ? Errno.EISDIR.number() : Errno.EINVAL.number(),
                    BpfCmd.OBJ_GET.kernelName(),
                    what);
        }
    }
}
