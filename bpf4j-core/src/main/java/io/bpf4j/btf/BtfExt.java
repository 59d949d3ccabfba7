package io.bpf4j.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code .BTF.ext} section: per ELF code section, the function info, line info and CO-RE
 * relocation records. Strings (section and file names, source lines, access strings) come from
 * the object's {@link Btf}.
 *
 * <p>All instruction offsets are in <b>instruction units</b> (8-byte slots from the start of the
 * section), as libbpf normalizes them; the ELF stores bytes.
 *
 * <pre>{@code
 * BtfExt ext = BtfExt.parse(extBytes, btf);
 * for (CoreRelocation r : ext.coreRelocations("kprobe/do_exit")) { ... }
 * }</pre>
 *
 * @param funcInfos function info by section name
 * @param lineInfos line info by section name
 * @param coreRelocations CO-RE relocations by section name
 */
public record BtfExt(
        Map<String, List<FuncInfo>> funcInfos,
        Map<String, List<LineInfo>> lineInfos,
        Map<String, List<CoreRelocation>> coreRelocations) {

    private static final int MAGIC = 0xeB9F;

    /** {@code struct bpf_func_info}: the FUNC type id of the function starting at {@code insnOffset} (instructions). */
    public record FuncInfo(int insnOffset, int typeId) {}

    /**
     * {@code struct bpf_line_info}: the source line of the instruction at {@code insnOffset}
     * (instructions). {@code fileNameOffset} and {@code lineOffset} are the string offsets of
     * {@code file} and {@code line} in the object's BTF, which is what the kernel is given.
     */
    public record LineInfo(
            int insnOffset, String file, String line, int lineNum, int col, int fileNameOffset, int lineOffset) {}

    /** Copies the maps. */
    public BtfExt {
        funcInfos = Collections.unmodifiableMap(new LinkedHashMap<>(funcInfos));
        lineInfos = Collections.unmodifiableMap(new LinkedHashMap<>(lineInfos));
        coreRelocations = Collections.unmodifiableMap(new LinkedHashMap<>(coreRelocations));
    }

    /** Function info of one section, empty when it has none. */
    public List<FuncInfo> funcInfos(String section) {
        return funcInfos.getOrDefault(section, List.of());
    }

    /** Line info of one section, empty when it has none. */
    public List<LineInfo> lineInfos(String section) {
        return lineInfos.getOrDefault(section, List.of());
    }

    /** CO-RE relocations of one section, empty when it has none. */
    public List<CoreRelocation> coreRelocations(String section) {
        return coreRelocations.getOrDefault(section, List.of());
    }

    /**
     * Parses {@code .BTF.ext} bytes whose strings live in {@code btf}.
     *
     * @throws BtfException for a bad magic, a big-endian blob, a record size below the minimum,
     *         counts or offsets past the end, an unaligned instruction offset, a bad string offset
     *         or type id; the message names the offset
     */
    public static BtfExt parse(byte[] ext, Btf btf) {
        ByteBuffer b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        if (ext.length < 24) {
            throw new BtfException(".BTF.ext of " + ext.length + " bytes is shorter than its 24-byte header");
        }
        int magic = b.getShort(0) & 0xffff;
        if (magic == 0x9FEB) {
            throw new BtfException("big-endian .BTF.ext (byte-swapped magic at offset 0) is not supported");
        }
        if (magic != MAGIC) {
            throw new BtfException("bad .BTF.ext magic 0x" + Integer.toHexString(magic) + " at offset 0");
        }
        if (ext[2] != 1) {
            throw new BtfException("unsupported .BTF.ext version " + (ext[2] & 0xff) + " at offset 2");
        }
        long hdrLen = Integer.toUnsignedLong(b.getInt(4));
        if (hdrLen < 24 || hdrLen > ext.length) {
            throw new BtfException(
                    ".BTF.ext header length " + hdrLen + " at offset 4 is invalid for " + ext.length + " bytes");
        }
        Reader r = new Reader(b, ext.length, btf, hdrLen);
        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        Map<String, List<LineInfo>> lines = new LinkedHashMap<>();
        Map<String, List<CoreRelocation>> relos = new LinkedHashMap<>();
        r.section("func_info", 8, 8, 8, (sec, p) -> funcs.computeIfAbsent(sec, k -> new ArrayList<>())
                .add(new FuncInfo(r.insn(p), r.typeId(p + 4))));
        r.section("line_info", 16, 16, 16, (sec, p) -> {
            int lineCol = b.getInt(p + 12);
            lines.computeIfAbsent(sec, k -> new ArrayList<>())
                    .add(new LineInfo(
                            r.insn(p),
                            r.string(p + 4),
                            r.string(p + 8),
                            lineCol >>> 10,
                            lineCol & 0x3ff,
                            b.getInt(p + 4),
                            b.getInt(p + 8)));
        });
        if (hdrLen >= 32) {
            r.section("core_relo", 24, 16, 16, (sec, p) -> {
                int kind = b.getInt(p + 12);
                if (kind < 0 || kind >= CoreRelocation.Kind.values().length) {
                    throw new BtfException(".BTF.ext core_relo record at offset " + p + ": unknown kind " + kind);
                }
                relos.computeIfAbsent(sec, k -> new ArrayList<>())
                        .add(new CoreRelocation(
                                r.insn(p), r.typeId(p + 4), r.string(p + 8), CoreRelocation.Kind.of(kind)));
            });
        }
        return new BtfExt(funcs, lines, relos);
    }

    private interface RecordSink {
        void accept(String section, int offset);
    }

    /** Walks the {@code rec_size} + per-section ({@code sec_name_off}, {@code num_info}) blocks of one info kind. */
    private record Reader(ByteBuffer b, int length, Btf btf, long hdrLen) {
        void section(String what, int hdrField, int minRec, int ignored, RecordSink sink) {
            long off = hdrLen + Integer.toUnsignedLong(b.getInt(hdrField));
            long len = Integer.toUnsignedLong(b.getInt(hdrField + 4));
            if (len == 0) {
                return;
            }
            long end = off + len;
            if (end > length) {
                throw new BtfException(
                        ".BTF.ext " + what + " [" + off + ", " + end + ") runs past the end (" + length + " bytes)");
            }
            if (len < 4) {
                throw new BtfException(".BTF.ext " + what + " at offset " + off + " lacks its record size");
            }
            long recSize = Integer.toUnsignedLong(b.getInt((int) off));
            if (recSize < minRec || (recSize & 3) != 0 || recSize > 1024) {
                throw new BtfException(".BTF.ext " + what + " at offset " + off + ": record size " + recSize
                        + " (want a multiple of 4, at least " + minRec + ")");
            }
            long p = off + 4;
            while (p < end) {
                if (p + 8 > end) {
                    throw new BtfException(
                            ".BTF.ext " + what + " section header at offset " + p + " runs past its end " + end);
                }
                String sec = string((int) p);
                long n = Integer.toUnsignedLong(b.getInt((int) p + 4));
                p += 8;
                if (n == 0 || n * recSize > end - p) {
                    throw new BtfException(".BTF.ext " + what + " for section '" + sec + "' at offset " + (p - 4)
                            + " declares " + n + " records of " + recSize + " bytes, past its end " + end);
                }
                for (long i = 0; i < n; i++, p += recSize) {
                    sink.accept(sec, (int) p);
                }
            }
        }

        int insn(int p) {
            int off = b.getInt(p);
            if ((off & 7) != 0 || off < 0) {
                throw new BtfException(".BTF.ext record at offset " + p + ": instruction byte offset "
                        + Integer.toUnsignedString(off) + " is not a multiple of 8");
            }
            return off / 8;
        }

        int typeId(int p) {
            int id = b.getInt(p);
            if (id < 0 || id >= btf.typeCount()) {
                throw new BtfException(".BTF.ext record at offset " + p + ": type id " + Integer.toUnsignedString(id)
                        + " is past the last BTF id " + (btf.typeCount() - 1));
            }
            return id;
        }

        String string(int p) {
            int off = b.getInt(p);
            try {
                return btf.string(off);
            } catch (BtfException e) {
                throw new BtfException(".BTF.ext record at offset " + p + ": " + e.getMessage());
            }
        }
    }
}
