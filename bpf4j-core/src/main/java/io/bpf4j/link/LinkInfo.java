package io.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.Fd;
import io.bpf4j.internal.sys.InfoLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What the kernel says about a live link (bpf_link_info): its kind, its kernel id and the id of
 * the program it runs.
 *
 * @param type the kernel's link type number (BPF_LINK_TYPE_*: 1 raw tracepoint, 2 tracing,
 *             3 cgroup, 4 iterator, 5 netns, 6 XDP, 7 perf event, 11 TCX, ...)
 * @param id the link's kernel id
 * @param programId the kernel id of the attached program
 */
public record LinkInfo(int type, int id, int programId) {
    /** {@link #type()} as a constant ({@link LinkType#UNKNOWN} for a type newer than bpf4j). */
    public LinkType kind() {
        return LinkType.of(type);
    }

    static LinkInfo of(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(InfoLayouts.LinkInfo.LAYOUT);
            Bpf.infoByFd(fd, info);
            return new LinkInfo(
                    info.get(JAVA_INT, InfoLayouts.LinkInfo.TYPE),
                    info.get(JAVA_INT, InfoLayouts.LinkInfo.ID),
                    info.get(JAVA_INT, InfoLayouts.LinkInfo.PROG_ID));
        }
    }
}
