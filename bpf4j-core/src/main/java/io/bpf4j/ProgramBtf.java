package io.bpf4j;

import io.bpf4j.internal.sys.ProgLoad;
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
     * Adds the program's BTF, func_info and line_info (positions in slots of the linked program)
     * to its BPF_PROG_LOAD request.
     */
    static ProgLoad withExtInfo(
            ProgLoad request, int btfFd, List<Linker.Placed<FuncInfo>> funcs, List<Linker.Placed<LineInfo>> lines) {
        int[] f = new int[2 * funcs.size()];
        for (int i = 0; i < funcs.size(); i++) {
            f[2 * i] = funcs.get(i).slot();
            f[2 * i + 1] = funcs.get(i).record().typeId();
        }
        int[] l = new int[4 * lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            LineInfo li = lines.get(i).record();
            l[4 * i] = lines.get(i).slot();
            l[4 * i + 1] = li.fileNameOff();
            l[4 * i + 2] = li.lineOff();
            l[4 * i + 3] = li.lineCol();
        }
        return request.btf(btfFd, f, l);
    }
}
