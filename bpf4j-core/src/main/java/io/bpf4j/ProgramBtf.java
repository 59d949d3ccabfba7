package io.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.bpf4j.internal.sys.Attr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalInt;

/**
 * An object's own BTF on its way into the kernel (BPF_BTF_LOAD), and the func_info/line_info
 * records that point into it from a program load. clang leaves every DATASEC with size 0 and its
 * VARs at offset 0 — only the linker knows them — so, as libbpf does, the loader fills them in
 * from the ELF section sizes and symbol values before the kernel sees the BTF.
 */
final class ProgramBtf {

    private ProgramBtf() {}

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

    /** A func_info record: the first slot of a function and its BTF FUNC id. */
    record FuncInfo(int typeId) {}

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
    static java.util.function.BiConsumer<MemorySegment, Arena> extInfo(
            int btfFd, List<Linker.Placed<FuncInfo>> funcs, List<Linker.Placed<LineInfo>> lines) {
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
