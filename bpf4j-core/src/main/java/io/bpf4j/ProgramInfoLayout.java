package io.bpf4j;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct bpf_prog_info} (libbpf's linux/bpf.h) as a layout, and the two-pass read the
 * kernel expects: first the counts, then again with buffers sized for the arrays wanted.
 */
final class ProgramInfoLayout {
    private static final MemoryLayout U32 = JAVA_INT;
    private static final MemoryLayout U64 = JAVA_LONG;

    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            U32.withName("type"),
            U32.withName("id"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("tag"),
            U32.withName("jited_prog_len"),
            U32.withName("xlated_prog_len"),
            U64.withName("jited_prog_insns"),
            U64.withName("xlated_prog_insns"),
            U64.withName("load_time"),
            U32.withName("created_by_uid"),
            U32.withName("nr_map_ids"),
            U64.withName("map_ids"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("name"),
            U32.withName("ifindex"),
            U32.withName("gpl_compatible"),
            U64.withName("netns_dev"),
            U64.withName("netns_ino"),
            U32.withName("nr_jited_ksyms"),
            U32.withName("nr_jited_func_lens"),
            U64.withName("jited_ksyms"),
            U64.withName("jited_func_lens"),
            U32.withName("btf_id"),
            U32.withName("func_info_rec_size"),
            U64.withName("func_info"),
            U32.withName("nr_func_info"),
            U32.withName("nr_line_info"),
            U64.withName("line_info"),
            U64.withName("jited_line_info"),
            U32.withName("nr_jited_line_info"),
            U32.withName("line_info_rec_size"),
            U32.withName("jited_line_info_rec_size"),
            U32.withName("nr_prog_tags"),
            U64.withName("prog_tags"),
            U64.withName("run_time_ns"),
            U64.withName("run_cnt"),
            U64.withName("recursion_misses"),
            U32.withName("verified_insns"),
            U32.withName("attach_btf_obj_id"),
            U32.withName("attach_btf_id"),
            MemoryLayout.paddingLayout(4));

    static final long TYPE = off("type");
    static final long ID = off("id");
    static final long TAG = off("tag");
    static final long JITED_PROG_LEN = off("jited_prog_len");
    static final long XLATED_PROG_LEN = off("xlated_prog_len");
    static final long XLATED_PROG_INSNS = off("xlated_prog_insns");
    static final long LOAD_TIME = off("load_time");
    static final long NR_MAP_IDS = off("nr_map_ids");
    static final long MAP_IDS = off("map_ids");
    static final long NAME = off("name");
    static final long GPL_COMPATIBLE = off("gpl_compatible");
    static final long BTF_ID = off("btf_id");
    static final long RUN_TIME_NS = off("run_time_ns");
    static final long RUN_CNT = off("run_cnt");
    static final long VERIFIED_INSNS = off("verified_insns");

    private ProgramInfoLayout() {}

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }

    /** Reads the info of the program behind {@code fd}, with its map ids. */
    static ProgramInfo read(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LAYOUT);
            Bpf.infoByFd(fd, info);
            int nMaps = info.get(JAVA_INT, NR_MAP_IDS);
            List<Integer> mapIds = new ArrayList<>(nMaps);
            if (nMaps > 0) {
                // Second pass: the kernel fills arrays only where a buffer and its count are given,
                // and every other pointer must be zero.
                MemorySegment ids = arena.allocate(JAVA_INT, nMaps);
                info.fill((byte) 0);
                info.set(JAVA_INT, NR_MAP_IDS, nMaps);
                info.set(JAVA_LONG, MAP_IDS, ids.address());
                Bpf.infoByFd(fd, info);
                int got = Math.min(nMaps, info.get(JAVA_INT, NR_MAP_IDS));
                for (int i = 0; i < got; i++) {
                    mapIds.add(ids.getAtIndex(JAVA_INT, i));
                }
            }
            int rawType = info.get(JAVA_INT, TYPE);
            byte[] name = info.asSlice(NAME, 16).toArray(JAVA_BYTE);
            return new ProgramInfo(
                    ProgramType.of(rawType),
                    rawType,
                    info.get(JAVA_INT, ID),
                    info.asSlice(TAG, 8).toArray(JAVA_BYTE),
                    Program.cString(name),
                    info.get(JAVA_INT, XLATED_PROG_LEN),
                    info.get(JAVA_INT, JITED_PROG_LEN),
                    mapIds,
                    info.get(JAVA_INT, BTF_ID),
                    info.get(JAVA_LONG, RUN_CNT),
                    Duration.ofNanos(info.get(JAVA_LONG, RUN_TIME_NS)),
                    info.get(JAVA_INT, VERIFIED_INSNS),
                    (info.get(JAVA_INT, GPL_COMPATIBLE) & 1) != 0,
                    info.get(JAVA_LONG, LOAD_TIME));
        }
    }

    /**
     * The translated bytecode as the kernel holds it after verification and rewriting. The kernel
     * shows it only to CAP_SYS_ADMIN (otherwise the length reads as 0, and this throws).
     */
    static byte[] xlated(Fd fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LAYOUT);
            Bpf.infoByFd(fd, info);
            int len = info.get(JAVA_INT, XLATED_PROG_LEN);
            if (len == 0) {
                throw new PermissionException(
                        "the kernel shows no translated code for " + fd.what()
                                + " (it needs CAP_SYS_ADMIN, or bpf_jit_harden hides it)",
                        Errno.EPERM.number(),
                        "BPF_OBJ_GET_INFO_BY_FD",
                        fd.what());
            }
            MemorySegment code = arena.allocate(len, 8);
            info.fill((byte) 0);
            info.set(JAVA_INT, XLATED_PROG_LEN, len);
            info.set(JAVA_LONG, XLATED_PROG_INSNS, code.address());
            Bpf.infoByFd(fd, info);
            int got = Math.min(len, info.get(JAVA_INT, XLATED_PROG_LEN));
            return code.asSlice(0, got).toArray(JAVA_BYTE);
        }
    }
}
