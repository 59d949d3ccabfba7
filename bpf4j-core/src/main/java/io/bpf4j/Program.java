package io.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.asm.Instruction;
import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.ProgLoad;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A live, verified BPF program: owns its file descriptor until {@link #close()}.
 *
 * <pre>{@code
 * try (Program p = Program.load(spec)) {
 *     TestRunResult r = p.testRun(TestRunOptions.data(new byte[64]));
 *     System.out.println(r.returnValue());
 * }
 * }</pre>
 */
public final class Program implements AutoCloseable {
    private static final int INITIAL_LOG = 64 * 1024;
    private static final int MAX_LOG = 16 * 1024 * 1024;

    private final Fd fd;
    private final String name;
    private final ProgramType type;
    private final String verifierLog;

    private Program(Fd fd, String name, ProgramType type, String verifierLog) {
        this.fd = fd;
        this.name = name;
        this.type = type;
        this.verifierLog = verifierLog;
    }

    /**
     * Loads a program; the verifier checks it.
     *
     * @throws VerifierException when the verifier rejects it, with the log
     * @throws PermissionException without the needed capabilities
     */
    public static Program load(ProgramSpec spec) {
        return load(spec, LoadOptions.DEFAULT);
    }

    /**
     * Loads a program with options (verifier log level, extra load attributes).
     *
     * @throws VerifierException when the verifier rejects it, with the log
     */
    public static Program load(ProgramSpec spec, LoadOptions options) {
        return load(spec, options, request(spec));
    }

    /** The BPF_PROG_LOAD request for {@code spec}'s own fields; the object loader adds BTF and targets. */
    static ProgLoad request(ProgramSpec spec) {
        return new ProgLoad(spec.type().value(), Instruction.encodeAll(spec.instructions()), spec.license())
                .name(spec.name())
                .kernVersion(spec.kernelVersion())
                .flags(spec.flags())
                .expectedAttachType(spec.attachType().map(AttachType::value).orElse(0))
                .attachBtfId(spec.attachBtfId());
    }

    /**
     * {@link #load(ProgramSpec, LoadOptions)} of a filled {@code request} (the object loader's door:
     * it adds the object's BTF fd, func and line info, attach targets). Loads without a verifier
     * log unless one is asked for, as libbpf does, and retries with one to explain a failure.
     */
    static Program load(ProgramSpec spec, LoadOptions options, ProgLoad request) {
        io.bpf4j.internal.sys.Memlock.ensureRaised(); // kernels before 5.11 charge programs to RLIMIT_MEMLOCK
        if (spec.instructions().isEmpty()) {
            throw new IllegalArgumentException("program \"" + spec.name() + "\" has no instructions");
        }
        if ((options.logLevel() & ~0xf) != 0) {
            // The kernel answers EINVAL, which would read as a verifier rejection of the program.
            throw new IllegalArgumentException("program \"" + spec.name() + "\": log level " + options.logLevel()
                    + " holds bits the kernel does not take: 1 (log), 2 (verbose), 4 (statistics), 8 (fixed-size log)");
        }
        int logLevel = options.logLevel();
        int logSize = logLevel > 0 ? INITIAL_LOG : 0;
        for (; ; ) {
            ProgLoad.Result res = request.call(logLevel, logSize);
            long r = res.fdOrNegErrno();
            String text = res.log();
            if (r >= 0) {
                return new Program(new Fd((int) r, "program \"" + spec.name() + "\""), spec.name(), spec.type(), text);
            }
            int errno = (int) -r;
            if (errno == Errno.ENOSPC.number() && logSize > 0 && logSize < MAX_LOG) {
                logSize = Math.min(MAX_LOG, Math.max(logSize * 4, res.logTrueSize() + 1));
                continue;
            }
            if (logSize == 0 && errno != Errno.EPERM.number()) {
                // Loaded without a log for speed, as libbpf does; retry once to explain the failure
                // (not only EACCES/EINVAL: an unresolvable kernel symbol is ENOENT, with a log line).
                logLevel = 1;
                logSize = INITIAL_LOG;
                continue;
            }
            if (errno == Errno.EPERM.number() && text.isEmpty()) {
                throw Bpf.error(
                        "cannot load program \"" + spec.name() + "\" (" + spec.type() + ")",
                        r,
                        BpfCmd.PROG_LOAD,
                        "program \"" + spec.name() + "\"");
            }
            if (errno == Errno.EINVAL.number() && text.isEmpty()) {
                // an older kernel refuses a program type it does not know before verifying anything
                Optional<NotSupportedException> old = ProgramTypes.unsupported(spec, errno);
                if (old.isPresent()) {
                    throw old.get();
                }
            }
            throw new VerifierException(VerifierLogs.summary(spec, text), errno, spec.name(), text);
        }
    }

    /**
     * Opens the program pinned at {@code path} on a bpffs. The returned object owns a new fd;
     * closing it leaves the pin in place.
     *
     * <pre>{@code
     * try (Program p = Program.fromPin(Path.of("/sys/fs/bpf/my_prog"))) {
     *     System.out.println(p.info().id());
     * }
     * }</pre>
     */
    public static Program fromPin(Path path) {
        return fromOwnedFd(Bpf.getPinned(path, "program pinned at " + path));
    }

    /** Opens the loaded program with this kernel id (as {@code bpftool prog show} lists them). */
    public static Program fromId(int id) {
        return fromOwnedFd(Bpf.fdById(BpfCmd.PROG_GET_FD_BY_ID, id, "program id " + id));
    }

    private static Program fromOwnedFd(Fd fd) {
        try {
            return opened(fd, ProgramInfoLayout.read(fd));
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** A program over an fd whose info the caller has read already (KernelObjects lists them). */
    static Program opened(Fd fd, ProgramInfo info) {
        ProgramType type = info.type()
                .orElseThrow(() ->
                        new BpfException(fd.what() + " has program type " + info.rawType() + ", unknown to bpf4j"));
        return new Program(fd, info.name(), type, "");
    }

    /**
     * The kernel's view of this program: id, tag, sizes, map ids, run statistics.
     *
     * <pre>{@code
     * ProgramInfo info = program.info();
     * }</pre>
     */
    public ProgramInfo info() {
        return ProgramInfoLayout.read(fd);
    }

    /**
     * The translated bytecode: the instructions as the kernel keeps them after verification
     * (map fds replaced by map addresses, helper calls rewritten). Needs CAP_SYS_ADMIN.
     *
     * <pre>{@code
     * List<Instruction> xlated = program.xlatedInstructions();
     * }</pre>
     */
    public java.util.List<Instruction> xlatedInstructions() {
        return Instruction.decodeAll(ProgramInfoLayout.xlated(fd));
    }

    /** The verifier's log of a successful load; empty unless {@link LoadOptions#logLevel()} was set. */
    public String verifierLog() {
        return verifierLog;
    }

    public String name() {
        return name;
    }

    public ProgramType type() {
        return type;
    }

    /** The program's fd number, valid until {@link #close()}; do not close it yourself. */
    public int fd() {
        return fd.raw();
    }

    /** The owned descriptor, for bpf4j's own packages. */
    Fd ownedFd() {
        return fd;
    }

    /** Pins the program at {@code path} on a bpffs. */
    public void pin(Path path) {
        Bpf.pin(fd, path);
    }

    /**
     * Runs the program once or {@code repeat} times in the kernel on the given input
     * (BPF_PROG_TEST_RUN) — for XDP, tc, socket filters, raw tracepoints and syscall programs.
     */
    public TestRunResult testRun(TestRunOptions options) {
        int raw = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(Attr.TestRun.LAYOUT);
            attr.set(JAVA_INT, Attr.TestRun.PROG_FD, raw);
            byte[] data = options.data();
            if ((type == ProgramType.XDP || type == ProgramType.SCHED_CLS || type == ProgramType.SCHED_ACT)
                    && data.length < ETH_HLEN) {
                // The kernel answers EINVAL: a test packet must hold at least an Ethernet header.
                throw new IllegalArgumentException("test run of program \"" + name + "\" (" + type + "): a packet of "
                        + data.length + " bytes; it needs at least an Ethernet header, " + ETH_HLEN + " bytes");
            }
            MemorySegment dataOut = MemorySegment.NULL;
            if (data.length > 0) {
                attr.set(
                        JAVA_LONG, Attr.TestRun.DATA_IN, nativeCopy(arena, data).address());
                attr.set(JAVA_INT, Attr.TestRun.DATA_SIZE_IN, data.length);
                int outSize = options.dataOutSize() > 0 ? options.dataOutSize() : data.length + 256;
                dataOut = arena.allocate(outSize);
                attr.set(JAVA_LONG, Attr.TestRun.DATA_OUT, dataOut.address());
                attr.set(JAVA_INT, Attr.TestRun.DATA_SIZE_OUT, outSize);
            }
            byte[] ctx = options.context();
            MemorySegment ctxOut = MemorySegment.NULL;
            if (ctx.length > 0) {
                attr.set(JAVA_LONG, Attr.TestRun.CTX_IN, nativeCopy(arena, ctx).address());
                attr.set(JAVA_INT, Attr.TestRun.CTX_SIZE_IN, ctx.length);
                if (options.contextOut()) {
                    ctxOut = arena.allocate(ctx.length);
                    attr.set(JAVA_LONG, Attr.TestRun.CTX_OUT, ctxOut.address());
                    attr.set(JAVA_INT, Attr.TestRun.CTX_SIZE_OUT, ctx.length);
                }
            }
            attr.set(JAVA_INT, Attr.TestRun.REPEAT, options.repeat());
            attr.set(JAVA_INT, Attr.TestRun.FLAGS, options.flags());
            attr.set(JAVA_INT, Attr.TestRun.CPU, options.cpu());
            attr.set(JAVA_INT, Attr.TestRun.BATCH_SIZE, options.batchSize());
            long r = Bpf.call(BpfCmd.PROG_TEST_RUN, attr, Attr.TestRun.SIZE);
            if (r < 0) {
                throw Bpf.errorOrUnsupported(
                        "test run of program \"" + name + "\" failed",
                        r,
                        BpfCmd.PROG_TEST_RUN,
                        "program \"" + name + "\"",
                        "BPF_PROG_TEST_RUN for " + type,
                        "");
            }
            byte[] outData = written(dataOut, attr.get(JAVA_INT, Attr.TestRun.DATA_SIZE_OUT));
            byte[] outCtx = written(ctxOut, attr.get(JAVA_INT, Attr.TestRun.CTX_SIZE_OUT));
            return new TestRunResult(
                    attr.get(JAVA_INT, Attr.TestRun.RETVAL),
                    outData,
                    outCtx,
                    Duration.ofNanos(Integer.toUnsignedLong(attr.get(JAVA_INT, Attr.TestRun.DURATION))));
        } finally {
            fd.release();
        }
    }

    /** The Ethernet header's length: the shortest packet a test run of a network program takes. */
    private static final int ETH_HLEN = 14;

    /** {@code bytes} in native memory of {@code arena}. */
    private static MemorySegment nativeCopy(Arena arena, byte[] bytes) {
        MemorySegment m = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, m, JAVA_BYTE, 0, bytes.length);
        return m;
    }

    /** The first {@code n} bytes the kernel wrote to an output buffer (none when there was no buffer). */
    private static byte[] written(MemorySegment out, int n) {
        return out == MemorySegment.NULL
                ? new byte[0]
                : out.asSlice(0, Math.min(n, out.byteSize())).toArray(JAVA_BYTE);
    }

    /** Closes the program's fd; attached links keep the program alive in the kernel. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "Program[" + name + " " + type + (fd.isClosed() ? " closed" : "") + "]";
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
