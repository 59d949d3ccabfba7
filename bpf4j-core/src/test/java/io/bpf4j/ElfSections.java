package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfExt;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.internal.elf.ElfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The view of a compiled test object that the CO-RE and program-BTF tests use — section contents
 * by name, symbols, and the .BTF.ext records — read through the library's own ELF and .BTF.ext
 * readers, so those tests exercise the same parsing the loader does.
 */
final class ElfSections {
    /** Section contents by name. */
    final Map<String, byte[]> sections = new LinkedHashMap<>();
    /** Section sizes by name (for SHT_NOBITS, the size it declares; its contents are empty). */
    final Map<String, Long> sizes = new LinkedHashMap<>();
    /** Symbols: name, section name, value, size, type, bind. */
    final List<ElfFile.Symbol> symbols;

    /** A .BTF.ext record of a section, its instruction offset in slots: func_info (type id) or line_info (file, line, line_col). */
    record ExtRecord(String section, int slot, int[] fields) {}

    private ElfSections(ElfFile elf) {
        elf.sections().forEach((name, s) -> {
            sections.put(name, s.data());
            sizes.put(name, s.size());
        });
        symbols = elf.symbols();
    }

    static ElfSections read(Path file) throws IOException {
        return new ElfSections(ElfFile.readBpfObject(file.toString(), Files.readAllBytes(file)));
    }

    private BtfExt ext(Btf btf) {
        return BtfExt.parse(sections.get(".BTF.ext"), btf);
    }

    /** func_info (which = 0) or line_info (which = 1) records, in section order. */
    List<ExtRecord> extInfo(Btf btf, int which) {
        List<ExtRecord> out = new ArrayList<>();
        BtfExt ext = ext(btf);
        if (which == 0) {
            ext.funcInfos()
                    .forEach((sec, list) ->
                            list.forEach(f -> out.add(new ExtRecord(sec, f.insnOffset(), new int[] {f.typeId()}))));
        } else {
            ext.lineInfos()
                    .forEach((sec, list) -> list.forEach(l -> out.add(new ExtRecord(sec, l.insnOffset(), new int[] {
                        l.fileNameOffset(), l.lineOffset(), l.lineNum() << 10 | l.col()
                    }))));
        }
        return out;
    }

    /** CO-RE relocation records of .BTF.ext, by section name. */
    Map<String, List<CoreRelocation>> coreRelocations(Btf btf) {
        return ext(btf).coreRelocations();
    }
}
