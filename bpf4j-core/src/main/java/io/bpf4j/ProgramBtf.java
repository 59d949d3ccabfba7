package io.bpf4j;

import io.bpf4j.internal.sys.Attr;
import io.bpf4j.internal.sys.Bpf;
import io.bpf4j.internal.sys.BpfCmd;
import io.bpf4j.internal.sys.Fd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An object's own BTF on its way into the kernel (BPF_BTF_LOAD), and the func_info/line_info
 * records that point into it from a program load. clang leaves every DATASEC with size 0 and its
 * VARs at offset 0 — only the linker knows them — so, as libbpf does, the loader fills them in
 * from the ELF section sizes and symbol values before the kernel sees the BTF.
 */
final class ProgramBtf {
    private static final int KIND_VAR = 14;
    private static final int KIND_DATASEC = 15;
    private static final int INITIAL_LOG = 64 * 1024;

    private ProgramBtf() {
    }

    /** Where the ELF puts things the BTF only names. */
    interface Layout {
        /** The size of an ELF section, when it exists. */
        OptionalInt sectionSize(String section);

        /** The offset of a global variable in its section, when it has a symbol. */
        OptionalInt variableOffset(String section, String variable);

        /**
         * Global functions of hidden visibility ({@code __hidden}, as in libbpf's {@code usdt.bpf.h}):
         * their BTF FUNCs are made static, as libbpf does, so the verifier checks them in their
         * callers' context instead of alone.
         */
        default java.util.Set<String> hiddenFunctions() {
            return java.util.Set.of();
        }
    }

    /**
     * A copy of raw little-endian BTF with DATASEC sizes and VAR offsets filled in.
     *
     * @throws BpfException naming a DATASEC whose section or a VAR whose symbol is missing
     */
    static byte[] fixDataSections(byte[] raw, Layout layout) {
        byte[] out = fixExterns(raw, layout.hiddenFunctions());
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = b.getInt(4);
        int typeStart = hdrLen + b.getInt(8);
        int typeEnd = typeStart + b.getInt(12);
        int strStart = hdrLen + b.getInt(16);
        // First pass: the offset of every type record, so a VAR's name can be read by id.
        List<Integer> offs = new java.util.ArrayList<>();
        offs.add(-1);
        for (int at = typeStart; at < typeEnd; ) {
            offs.add(at);
            at += 12 + extra(b, at);
        }
        for (int id = 1; id < offs.size(); id++) {
            int at = offs.get(id);
            int info = b.getInt(at + 4);
            if (((info >>> 24) & 0x1f) != KIND_DATASEC) {
                continue;
            }
            String section = string(out, strStart, b.getInt(at));
            int vlen = info & 0xffff;
            if (section.equals(".ksyms")) {
                continue; // laid out by fixExterns
            }
            OptionalInt size = layout.sectionSize(section);
            if (size.isEmpty()) {
                if (b.getInt(at + 8) != 0 || vlen == 0) {
                    continue; // already sized, or an empty section clang left behind
                }
                throw new BpfException("BTF DATASEC " + section + " names a section the object file does not have");
            }
            b.putInt(at + 8, size.getAsInt());
            for (int i = 0; i < vlen; i++) {
                int rec = at + 12 + i * 12;
                int varId = b.getInt(rec);
                if (varId <= 0 || varId >= offs.size()) {
                    throw new BpfException("BTF DATASEC " + section + " refers to type id " + varId + ", out of range");
                }
                int varAt = offs.get(varId);
                if (((b.getInt(varAt + 4) >>> 24) & 0x1f) != KIND_VAR) {
                    continue; // e.g. a FUNC in .ksyms
                }
                String var = string(out, strStart, b.getInt(varAt));
                OptionalInt off = layout.variableOffset(section, var);
                if (off.isEmpty()) {
                    throw new BpfException("BTF variable " + var + " of section " + section + " has no symbol in the object file");
                }
                b.putInt(rec + 4, off.getAsInt());
            }
        }
        return out;
    }

    /**
     * What the kernel refuses in an object's extern declarations, rewritten as libbpf does: extern
     * VARs and FUNCs get global linkage, and the {@code .ksyms} DATASEC — whose entries may be
     * kfunc FUNCs, which a DATASEC cannot hold — becomes a run of 4-byte int VARs.
     */
    static byte[] fixExterns(byte[] raw, java.util.Set<String> hiddenFunctions) {
        byte[] out = raw.clone();
        io.bpf4j.btf.Btf btf = io.bpf4j.btf.Btf.parse(raw);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = b.getInt(4);
        int typeStart = hdrLen + b.getInt(8);
        int[] offs = new int[btf.typeCount()];
        int at = typeStart;
        for (int id = 1; id < offs.length; id++) {
            offs[id] = at;
            at += 12 + extra(b, at);
        }
        int intId = 0;
        int anyVar = 0;
        for (int id = 1; id < offs.length; id++) {
            int k = btf.kind(id);
            if (k == io.bpf4j.btf.CoreTypes.INT && btf.size(id) == 4 && intId == 0) {
                intId = id;
            }
            if (k == KIND_VAR && anyVar == 0 && b.getInt(offs[id] + 12) != 2) {
                anyVar = id;
            }
            if ((k == KIND_VAR || k == io.bpf4j.btf.CoreTypes.FUNC) && extern(b, offs[id], k)) {
                setLinkage(b, offs[id], k, 1);
            } else if (k == io.bpf4j.btf.CoreTypes.FUNC && (b.getInt(offs[id] + 4) & 0xffff) == 1
                    && hiddenFunctions.contains(btf.name(id))) {
                setLinkage(b, offs[id], k, 0);
            }
        }
        for (int id : btf.idsNamed(".ksyms")) {
            if (btf.kind(id) != KIND_DATASEC) {
                continue;
            }
            int vlen = btf.vlen(id);
            int off = 0;
            for (int i = 0; i < vlen; i++) {
                int rec = offs[id] + 12 + i * 12;
                int entry = b.getInt(rec);
                int size = 4;
                if (btf.kind(entry) == KIND_VAR) {
                    if (intId != 0) {
                        b.putInt(offs[entry] + 8, intId); // only the name matters to the kernel
                    } else {
                        size = (int) btf.resolveSize(btf.ref(entry));
                    }
                } else {
                    int stand = anyVar != 0 ? anyVar : 0;
                    if (stand == 0) {
                        throw new BpfException("BTF .ksyms lists kfunc " + btf.name(entry)
                                + " but the object has no variable to stand in for it");
                    }
                    b.putInt(rec, stand);
                    size = (int) btf.resolveSize(btf.ref(stand));
                }
                b.putInt(rec + 4, off);
                b.putInt(rec + 8, size);
                off += size;
            }
            b.putInt(offs[id] + 8, off);
        }
        return out;
    }

    private static boolean extern(ByteBuffer b, int at, int kind) {
        return kind == KIND_VAR ? b.getInt(at + 12) == 2 : (b.getInt(at + 4) & 0xffff) == 2;
    }

    private static void setLinkage(ByteBuffer b, int at, int kind, int linkage) {
        if (kind == KIND_VAR) {
            b.putInt(at + 12, linkage);
        } else {
            b.putInt(at + 4, (b.getInt(at + 4) & ~0xffff) | linkage);
        }
    }

    private static int extra(ByteBuffer b, int at) {
        int info = b.getInt(at + 4);
        int vlen = info & 0xffff;
        return switch ((info >>> 24) & 0x1f) {
            case 1, 14, 17 -> 4;       // INT, VAR, DECL_TAG
            case 3 -> 12;              // ARRAY
            case 4, 5, 15, 19 -> vlen * 12; // STRUCT, UNION, DATASEC, ENUM64
            case 6, 13 -> vlen * 8;    // ENUM, FUNC_PROTO
            default -> 0;
        };
    }

    private static String string(byte[] raw, int strStart, int off) {
        int start = strStart + off;
        int end = start;
        while (raw[end] != 0) {
            end++;
        }
        return new String(raw, start, end - start, StandardCharsets.UTF_8);
    }

    /** A func_info record: the first slot of a function and its BTF FUNC id. */
    record FuncInfo(int typeId) {
    }

    /** A line_info record as in .BTF.ext (string offsets into the object's BTF). */
    record LineInfo(int fileNameOff, int lineOff, int lineCol) {
        int line() {
            return lineCol >>> 10;
        }

        int column() {
            return lineCol & 0x3ff;
        }
    }

    /**
     * The load hook that passes program BTF, func_info and line_info (positions in slots of the
     * linked program) with BPF_PROG_LOAD.
     */
    static java.util.function.BiConsumer<MemorySegment, Arena> extInfo(int btfFd, List<Linker.Placed<FuncInfo>> funcs,
                                                                       List<Linker.Placed<LineInfo>> lines) {
        return (attr, arena) -> {
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_BTF_FD, btfFd);
            if (!funcs.isEmpty()) {
                MemorySegment f = arena.allocate(8L * funcs.size(), 8);
                for (int i = 0; i < funcs.size(); i++) {
                    f.set(JAVA_INT, 8L * i, funcs.get(i).slot());
                    f.set(JAVA_INT, 8L * i + 4, funcs.get(i).record().typeId());
                }
                attr.set(JAVA_INT, Attr.ProgLoad.FUNC_INFO_REC_SIZE, 8);
                attr.set(JAVA_LONG, Attr.ProgLoad.FUNC_INFO, f.address());
                attr.set(JAVA_INT, Attr.ProgLoad.FUNC_INFO_CNT, funcs.size());
            }
            if (!lines.isEmpty()) {
                MemorySegment l = arena.allocate(16L * lines.size(), 8);
                for (int i = 0; i < lines.size(); i++) {
                    LineInfo li = lines.get(i).record();
                    l.set(JAVA_INT, 16L * i, lines.get(i).slot());
                    l.set(JAVA_INT, 16L * i + 4, li.fileNameOff());
                    l.set(JAVA_INT, 16L * i + 8, li.lineOff());
                    l.set(JAVA_INT, 16L * i + 12, li.lineCol());
                }
                attr.set(JAVA_INT, Attr.ProgLoad.LINE_INFO_REC_SIZE, 16);
                attr.set(JAVA_LONG, Attr.ProgLoad.LINE_INFO, l.address());
                attr.set(JAVA_INT, Attr.ProgLoad.LINE_INFO_CNT, lines.size());
            }
        };
    }
}
