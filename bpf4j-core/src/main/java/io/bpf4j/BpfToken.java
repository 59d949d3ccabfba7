package io.bpf4j;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Tokens;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A BPF token (Linux 6.9): what a bpffs mounted with {@code delegate_cmds}, {@code delegate_maps},
 * {@code delegate_progs} and {@code delegate_attachs} grants a process of the user namespace that
 * owns the mount, so that it can create maps, load BTF and load programs without CAP_BPF in the
 * initial namespace (in a container, typically). The object loader finds one by itself, as
 * libbpf does (see {@link ObjectOptions#tokenPath()}), or takes one given
 * ({@link ObjectOptions#withToken(BpfToken)}).
 *
 * <pre>{@code
 * try (BpfToken token = BpfToken.create(Path.of("/sys/fs/bpf"));
 *      BpfObject obj = spec.load(ObjectOptions.DEFAULT.withToken(token))) { ... }
 * }</pre>
 */
public final class BpfToken implements AutoCloseable {
    /** libbpf's environment variable naming the bpffs to take a token from ("" for none). */
    public static final String PATH_VARIABLE = "LIBBPF_BPF_TOKEN_PATH";
    /** Where libbpf (and bpf4j) look for a delegated bpffs when told nothing. */
    public static final Path DEFAULT_PATH = Path.of("/sys/fs/bpf");

    private static final System.Logger LOG = System.getLogger(BpfToken.class.getName());
    /** Set once the default path answered EOPNOTSUPP: this process is in the initial user namespace. */
    private static volatile boolean initialNamespace;

    private final Fd fd;
    private final Path bpffs;

    private BpfToken(Fd fd, Path bpffs) {
        this.fd = fd;
        this.bpffs = bpffs;
    }

    /**
     * Creates a token from the bpffs mounted at {@code bpffs} (its root).
     *
     * @throws PermissionException when this process is not in the mount's user namespace or lacks
     *         CAP_BPF there (EPERM)
     * @throws BpfException when the mount delegates nothing (ENOENT), the process is in the initial
     *         user namespace (EOPNOTSUPP: a token makes no sense there), the path is no bpffs root
     *         (EINVAL) or the kernel has no tokens (EINVAL before 6.9)
     */
    public static BpfToken create(Path bpffs) {
        return created(bpffs, tryCreate(bpffs));
    }

    /** BPF_TOKEN_CREATE from {@code bpffs}: the token's fd or the negated errno. */
    private static long tryCreate(Path bpffs) {
        try (Fd dir = Fd.openDirectory(bpffs, "bpffs " + bpffs + " for a BPF token")) {
            int raw = dir.acquire();
            try {
                return Tokens.create(raw);
            } finally {
                dir.release();
            }
        }
    }

    /** The token of a BPF_TOKEN_CREATE that answered {@code r}, or the error it means. */
    private static BpfToken created(Path bpffs, long r) {
        if (r < 0) {
            int errno = (int) -r;
            String why = errno == Errno.ENOENT.number()
                    ? ": it is mounted without delegate_cmds/maps/progs/attachs"
                    : errno == Errno.EOPNOTSUPP.number()
                            ? ": this process is in the initial user namespace,"
                                    + " where a token grants nothing (root needs none)"
                            : errno == Errno.EPERM.number()
                                    ? ": this process is not in the user namespace that mounted it,"
                                            + " or lacks CAP_BPF there"
                                    : errno == Errno.EINVAL.number()
                                            ? ": it is not the root of a bpffs mount, or the kernel has no"
                                                    + " BPF tokens (Linux 6.9)"
                                            : "";
            throw Bpf.error("cannot create a BPF token from " + bpffs + why, r, BpfCmd.TOKEN_CREATE, bpffs.toString());
        }
        return new BpfToken(new Fd((int) r, "BPF token from " + bpffs), bpffs);
    }

    /**
     * A token from an fd this process holds already (e.g. one a privileged parent passed down); the
     * fd is duplicated and stays the caller's.
     *
     * <pre>{@code
     * try (BpfToken token = BpfToken.fromFd(Integer.parseInt(System.getenv("BPF_TOKEN_FD")))) { ... }
     * }</pre>
     */
    public static BpfToken fromFd(int fd) {
        return new BpfToken(Fd.dupOf(fd, "BPF token fd " + fd), Path.of(""));
    }

    /**
     * The token an object load uses when its options name none, as libbpf decides: from the path
     * in {@code LIBBPF_BPF_TOKEN_PATH} when set (none when it is empty; a failure is an error), else
     * from {@code /sys/fs/bpf} when that mount delegates (anything else quietly means no token).
     */
    static Optional<BpfToken> forLoad(ObjectOptions options) {
        if (options.token().isPresent()) {
            return Optional.empty(); // the caller's, used as is
        }
        Optional<Path> path = options.tokenPath();
        if (path.isEmpty()) {
            String env = System.getenv(PATH_VARIABLE);
            if (env != null) {
                path = Optional.of(Path.of(env));
            }
        }
        if (path.isPresent()) {
            return path.get().toString().isEmpty() ? Optional.empty() : Optional.of(create(path.get()));
        }
        if (initialNamespace || !java.nio.file.Files.isDirectory(DEFAULT_PATH)) {
            return Optional.empty();
        }
        try {
            long r = tryCreate(DEFAULT_PATH);
            if (r == -Errno.EOPNOTSUPP.number()) {
                // The usual case (root in the initial namespace): no exception, no log record, so a
                // short-lived tool's first load does not start the logging back end for nothing.
                initialNamespace = true; // a process never leaves the initial user namespace
                return Optional.empty();
            }
            return Optional.of(created(DEFAULT_PATH, r));
        } catch (BpfException e) {
            if (e.errno().filter(x -> x == Errno.EOPNOTSUPP).isPresent()) {
                initialNamespace = true; // a process never leaves the initial user namespace
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "no BPF token from " + DEFAULT_PATH + ": " + e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no BPF token from " + DEFAULT_PATH + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Whether this kernel has BPF tokens (Linux 6.9): BPF_TOKEN_CREATE of fd -1 answers EBADF
     * where the command exists, EINVAL where it does not.
     */
    public static boolean supported() {
        return Tokens.create(-1) == -Errno.EBADF.number();
    }

    /** The bpffs the token came from (empty for {@link #fromFd}). */
    public Path bpffs() {
        return bpffs;
    }

    /** The token's fd, valid until {@link #close()}. */
    public int fd() {
        return fd.raw();
    }

    /** Closes the token's fd; maps and programs made with it keep what it granted. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "BpfToken[" + bpffs + (fd.isClosed() ? " closed" : "") + "]";
    }
}
