package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ELF64 little-endian relocatable object as clang's BPF target writes it: sections by name,
 * the symbol table and the SHT_REL relocations. Every offset and count read from the file is
 * checked against its size first, so a truncated or hostile file gives an
 * {@link ObjectFormatException} naming the file, section and offset — never an index error, a
 * hang or an allocation sized by the file.
 */
public final class ElfFile {
    /** e_machine of BPF objects. */
    public static final int EM_BPF = 247;

    public static final int SHT_SYMTAB = 2;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final long SHF_EXECINSTR = 0x4;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    /**
     * One section: its name, type, flags, contents and size. A SHT_NOBITS section ({@code .bss})
     * has no contents in the file: its {@code data} is empty and {@code size} is what it claims,
     * so nothing is allocated by a size the file merely claims.
     */
    public record Section(String name, int type, long flags, byte[] data, long size) {}

    /** One symbol; {@code section} is "" when undefined (an extern). */
    public record Symbol(String name, String section, long value, long size, int type, int bind, int visibility) {
        /** {@code STV_HIDDEN}: a global symbol not visible outside its object (libbpf's {@code __hidden}). */
        public static final int STV_HIDDEN = 2;

        /** {@code STV_INTERNAL}. */
        public static final int STV_INTERNAL = 1;

        /** A global or weak symbol whose visibility keeps it inside the object. */
        public boolean hidden() {
            return bind != 0 && (visibility == STV_HIDDEN || visibility == STV_INTERNAL);
        }
    }

    /** One SHT_REL entry: where, against which symbol, of which R_BPF_* type. */
    public record Reloc(long offset, Symbol symbol, int type) {}

    private final String file;
    private final Map<String, Section> sections;
    private final List<Symbol> symbols;
    private final Map<String, List<Reloc>> relocations;

    private ElfFile(
            String file, Map<String, Section> sections, List<Symbol> symbols, Map<String, List<Reloc>> relocations) {
        this.file = file;
        this.sections = sections;
        this.symbols = symbols;
        this.relocations = relocations;
    }

    /** The file name used in messages. */
    public String file() {
        return file;
    }

    /** Sections by name, in file order. */
    public Map<String, Section> sections() {
        return sections;
    }

    /** A section's size: its contents' length, or for SHT_NOBITS the size it declares; -1 when absent. */
    public long size(String section) {
        Section s = sections.get(section);
        return s == null ? -1 : s.size();
    }

    /** A section's contents, if the file has it. */
    public byte[] data(String section) {
        Section s = sections.get(section);
        return s == null ? null : s.data();
    }

    /** The symbol table, in order (index 0, the null symbol, left out). */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** Relocations by the name of the section they apply to. */
    public Map<String, List<Reloc>> relocations() {
        return relocations;
    }

    /**
     * Reads a BPF relocatable object.
     *
     * @param file a name for messages (the path)
     * @throws ObjectFormatException when the bytes are not a well-formed little-endian ELF64 BPF object
     */
    public static ElfFile readBpfObject(String file, byte[] raw) {
        ElfSource src = ElfSource.of(file, raw);
        ElfReader r = ElfReader.open(
                src,
                "BPF objects are ELF64",
                "bpf4j loads little-endian BPF objects (clang -target bpfel or bpf on x86)");
        int machine = r.header().machine();
        if (machine != EM_BPF) {
            throw src.error(
                    "e_machine " + machine + " is not BPF (" + EM_BPF + "): compile with clang -target bpf", 0x12);
        }
        List<ElfReader.SectionHeader> headers = r.sections();
        String[] names = new String[headers.size()];
        byte[][] contents = new byte[headers.size()][];
        Map<String, Section> sections = new LinkedHashMap<>();
        ElfReader.SectionHeader symtab = null;
        for (ElfReader.SectionHeader h : headers.subList(Math.min(1, headers.size()), headers.size())) {
            String name = r.name(h);
            byte[] data;
            if (h.type() == SHT_NOBITS) {
                if (h.size() < 0 || h.size() > Integer.MAX_VALUE) {
                    throw src.error(
                            "section " + name + " declares " + Long.toUnsignedString(h.size()) + " bytes of zeros",
                            h.at() + 0x20);
                }
                data = new byte[0];
            } else if (isDwarf(name)) {
                // DWARF (clang -g) is most of an object's bytes and nothing the loader reads (line
                // info comes from .BTF.ext): libbpf skips it too, so its bytes are not copied.
                data = new byte[0];
            } else {
                data = r.contents(h, "section " + name);
            }
            names[h.index()] = name;
            contents[h.index()] = data;
            sections.putIfAbsent(
                    name,
                    new Section(name, h.type(), h.flags(), data, h.type() == SHT_NOBITS ? h.size() : data.length));
            if (h.type() == SHT_SYMTAB) {
                symtab = h;
            }
        }
        List<Symbol> symbols = new ArrayList<>();
        Map<String, List<Reloc>> relocations = new LinkedHashMap<>();
        if (symtab != null) {
            ElfReader.StringTable strs = r.linkedStrings(symtab, ".symtab");
            int at = ElfReader.SYM_SIZE;
            for (ElfReader.RawSymbol s : r.symbols(symtab, ".symtab", contents[symtab.index()])) {
                String name = strs.string(s.nameOff(), "symbol name at .symtab offset " + at);
                String sec =
                        s.shndx() > 0 && s.shndx() < names.length && names[s.shndx()] != null ? names[s.shndx()] : "";
                symbols.add(new Symbol(name, sec, s.value(), s.size(), s.type(), s.bind(), s.other() & 0x3));
                at += ElfReader.SYM_SIZE;
            }
            for (ElfReader.SectionHeader h : headers) {
                if (h.type() != SHT_REL) {
                    continue;
                }
                ElfReader.SectionHeader target = r.section(
                        Integer.toUnsignedLong(h.info()),
                        "relocation section " + names[h.index()] + " applies to section",
                        h.at() + 0x2c);
                if (isDwarf(names[target.index()])) {
                    continue; // relocations of debug info (their section's bytes were never read)
                }
                List<Reloc> list = relocations.computeIfAbsent(names[target.index()], k -> new ArrayList<>());
                ByteBuffer b = ByteBuffer.wrap(contents[h.index()]).order(ByteOrder.LITTLE_ENDIAN);
                for (int off = 0; off + 16 <= b.capacity(); off += 16) {
                    long info = b.getLong(off + 8);
                    long sym = info >>> 32;
                    if (sym < 1 || sym > symbols.size()) {
                        throw src.error(
                                "relocation in " + names[h.index()] + " names symbol " + sym + " outside "
                                        + symbols.size() + " symbols",
                                h.offset() + off + 8);
                    }
                    list.add(new Reloc(b.getLong(off), symbols.get((int) sym - 1), (int) info));
                }
            }
        }
        return new ElfFile(
                file,
                Collections.unmodifiableMap(sections),
                List.copyOf(symbols),
                Collections.unmodifiableMap(relocations));
    }

    /**
     * A DWARF section ({@code .debug_info}, {@code .debug_line}, ...), as libbpf's is_sec_name_dwarf
     * judges, or the relocations of one ({@code .rel.debug_info}).
     */
    private static boolean isDwarf(String section) {
        return section != null && (section.startsWith(".debug_") || section.startsWith(".rel.debug_"));
    }
}
