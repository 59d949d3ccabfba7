package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.bpf4j.AttachType;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.Links;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A BPF iterator ({@code SEC("iter/task")} and friends): an iterator link, then a fresh readable
 * fd per walk (BPF_ITER_CREATE) whose contents are what the program printed.
 *
 * <pre>{@code
 * try (BpfIterator it = BpfIterator.attach(prog)) {
 *     String tasks = it.read();
 * }
 * }</pre>
 */
public final class BpfIterator extends KernelLink {
    /** An iterator over what its section names (task, bpf_map, ...); no further options. */
    public record Spec() implements AttachSpec {
        @Override
        public String describe() {
            return "iterator";
        }
    }

    private BpfIterator(Fd fd, String description) {
        super(fd, Optional.empty(), description);
    }

    /** Creates the iterator link of a TRACING program loaded with attach type TRACE_ITER. */
    public static BpfIterator attach(Program program) {
        String description = LinkCreate.describe("iterator", program);
        return new BpfIterator(
                LinkCreate.create(program, 0, AttachType.TRACE_ITER, 0, description, "BPF iterators", "5.8"),
                description);
    }

    /** Runs the iterator once and returns everything it wrote, as UTF-8 text. */
    public String read() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    /** Runs the iterator once and returns everything it wrote. */
    public byte[] readBytes() {
        long r = Links.iterCreate(fd());
        if (r < 0) {
            throw Bpf.error("cannot start " + description(), r, BpfCmd.ITER_CREATE, description());
        }
        try (Fd fd = new Fd((int) r, "iterator of " + description());
                Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64 * 1024);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (; ; ) {
                long n = fd.read(buf);
                if (n == -io.bpf4j.Errno.EINTR.number() || n == -io.bpf4j.Errno.EAGAIN.number()) {
                    continue;
                }
                if (n < 0) {
                    throw new io.bpf4j.BpfException(
                            "reading " + description() + " failed", (int) -n, "read", description());
                }
                if (n == 0) {
                    return out.toByteArray();
                }
                out.write(buf.asSlice(0, n).toArray(JAVA_BYTE), 0, (int) n);
            }
        }
    }
}
