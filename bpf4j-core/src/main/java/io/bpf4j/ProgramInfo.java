package io.bpf4j;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kernel says about a loaded program (BPF_OBJ_GET_INFO_BY_FD with bpf_prog_info).
 *
 * <pre>{@code
 * ProgramInfo info = program.info();
 * System.out.println(info.name() + " id " + info.id() + " tag " + info.tagHex()
 *         + " verified " + info.verifiedInstructions() + " insns");
 * }</pre>
 *
 * @param type the program type, empty for a type newer than bpf4j (see {@code rawType})
 * @param rawType the kernel's program type number
 * @param id the kernel-wide program id
 * @param tag the 8-byte program tag (a hash of the translated code, as bpftool shows it)
 * @param name the name the kernel kept (15 characters at most)
 * @param xlatedSize size of the translated (verified, rewritten) bytecode in bytes
 * @param jitedSize size of the JIT-compiled machine code in bytes
 * @param mapIds ids of the maps the program uses
 * @param btfId id of the program's BTF object, 0 when loaded without BTF
 * @param runCount times the program ran (counted only while {@code kernel.bpf_stats_enabled} is 1)
 * @param runTime total time spent running it (same condition)
 * @param verifiedInstructions instructions the verifier processed
 * @param gplCompatible whether the license let the program use GPL-only helpers
 * @param loadTimeNanos load time in nanoseconds since boot
 */
public record ProgramInfo(
        Optional<ProgramType> type,
        int rawType,
        int id,
        byte[] tag,
        String name,
        int xlatedSize,
        int jitedSize,
        List<Integer> mapIds,
        int btfId,
        long runCount,
        Duration runTime,
        int verifiedInstructions,
        boolean gplCompatible,
        long loadTimeNanos) {

    /** Copies the arrays and lists. */
    public ProgramInfo {
        Objects.requireNonNull(type, "type");
        tag = tag.clone();
        mapIds = List.copyOf(mapIds);
    }

    /** The 8-byte tag. */
    @Override
    public byte[] tag() {
        return tag.clone();
    }

    /** The tag as 16 hex digits, the way bpftool prints it. */
    public String tagHex() {
        return HexFormat.of().formatHex(tag);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProgramInfo p
                && p.id == id
                && p.rawType == rawType
                && java.util.Arrays.equals(p.tag, tag)
                && p.name.equals(name)
                && p.xlatedSize == xlatedSize
                && p.jitedSize == jitedSize
                && p.mapIds.equals(mapIds)
                && p.btfId == btfId
                && p.runCount == runCount
                && p.runTime.equals(runTime)
                && p.verifiedInstructions == verifiedInstructions
                && p.gplCompatible == gplCompatible
                && p.loadTimeNanos == loadTimeNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, rawType, java.util.Arrays.hashCode(tag), name);
    }

    @Override
    public String toString() {
        return "ProgramInfo[" + name + " id " + id + " " + type.map(Enum::name).orElse("type " + rawType)
                + " tag " + tagHex() + " xlated " + xlatedSize + " B jited " + jitedSize + " B maps " + mapIds
                + " verified " + verifiedInstructions + "]";
    }
}
