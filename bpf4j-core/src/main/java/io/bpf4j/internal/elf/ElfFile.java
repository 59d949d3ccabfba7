package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A little-endian ELF64 file read from bytes: section headers, string tables, symbol tables,
 * SHT_REL relocations and program headers. Every offset and count is checked against the file
 * before it is used, so a truncated or hostile file fails with an {@link ObjectFormatException}
 * naming the file, the section and the offset, never an index error, a hang or a huge
 * allocation.
 *
 * <pre>{@code
 * ElfFile elf = ElfFile.parse("libc.so.6", Files.readAllBytes(path));
 * OptionalLong off = elf.fileOffsetOfSymbol("getpid");
 * }</pre>
 */
public final class ElfFile {
    /** e_machine of eBPF. */
    public static final int EM_BPF = 247;
    /** e_type values. */
    public static final int ET_REL = 1, ET_EXEC = 2, ET_DYN = 3;
    /** sh_type values. */
    public static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8,
            SHT_REL = 9, SHT_DYNSYM = 11;
    /** sh_flags bits. */
    public static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;
    /** Symbol types and bindings. */
    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3,
            STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    /** p_type of a loadable segment. */
    public static final int PT_LOAD = 1;
    /** BPF relocation types. */
    public static final int R_BPF_NONE = 0, R_BPF_64_64 = 1, R_BPF_64_ABS64 = 2, R_BPF_64_ABS32 = 3,
            R_BPF_64_NODYLD32 = 4, R_BPF_64_32 = 10;

    /** The largest SHT_NOBITS section materialized as zeros (.bss of a BPF object is one map value). */
    private static final long MAX_NOBITS = 1L << 28;
    private static final int SHDR_SIZE = 64, SYM_SIZE = 24, REL_SIZE = 16, PHDR_SIZE = 56;

    private final String source;
    private final byte[] raw;
    private final int type;
    private final int machine;
    private final List<Section> sections;
    private final List<Segment> segments;

    /** One section header, with its resolved name. */
    public record Section(int index, String name, int type, long flags, long addr, long offset, long size,
                          int link, int info, long entsize) {
        /** True for code (SHF_EXECINSTR). */
        public boolean executable() {
            return (flags & SHF_EXECINSTR) != 0;
        }
    }

    /** One symbol table entry; {@code section} is 0 (SHN_UNDEF) for an extern, or a special index &ge; 0xff00. */
    public record Symbol(int index, String name, int section, long value, long size, int type, int bind) {
        /** True when the symbol is defined in a real section of this file. */
        public boolean defined() {
            return section > 0 && section < 0xff00;
        }
    }

    /** One SHT_REL entry: {@code offset} in the target section, the symbol's table index, R_* type. */
    public record Relocation(long offset, int symbol, int type) {
    }

    /** One program header. */
    public record Segment(int type, int flags, long offset, long vaddr, long fileSize, long memSize) {
    }

    private ElfFile(String source, byte[] raw, int type, int machine, List<Section> sections, List<Segment> segments) {
        this.source = source;
        this.raw = raw;
        this.type = type;
        this.machine = machine;
        this.sections = sections;
        this.segments = segments;
    }

    /**
     * Reads the headers of an ELF64 little-endian file.
     *
     * @param source the file's name, used in error messages
     * @throws ObjectFormatException when the bytes are not such a file or a header points outside it
     */
    public static ElfFile parse(String source, byte[] raw) {
        Reader r = new Reader(source, "ELF header", raw);
        if (raw.length < 64 || raw[0] != 0x7f || raw[1] != 'E' || raw[2] != 'L' || raw[3] != 'F') {
            throw new ObjectFormatException(source + ": not an ELF file (" + raw.length + " bytes, no \\x7fELF magic)");
        }
        if (raw[4] != 2) {
            throw new ObjectFormatException(source + ": 32-bit ELF (EI_CLASS " + raw[4] + ") is not supported; BPF objects are ELF64");
        }
        if (raw[5] != 1) {
            throw new ObjectFormatException(source + ": big-endian ELF (EI_DATA " + raw[5]
                    + ") is not supported; compile with -target bpfel (or -target bpf on a little-endian host)");
        }
        int type = r.u16(16);
        int machine = r.u16(18);
        long phoff = r.u64(0x20);
        long shoff = r.u64(0x28);
        int phentsize = r.u16(0x36);
        int phnum = r.u16(0x38);
        int shentsize = r.u16(0x3a);
        int shnum = r.u16(0x3c);
        int shstrndx = r.u16(0x3e);
        List<Section> headers = new ArrayList<>();
        if (shnum > 0 || shoff != 0) {
            if (shentsize < SHDR_SIZE) {
                throw new ObjectFormatException(source + ": section header size " + shentsize + " is less than " + SHDR_SIZE);
            }
            if (shnum == 0) {
                // More than 0xff00 sections: the real count is in section 0's sh_size.
                long n = r.u64(checkedAdd(source, shoff, 0x20));
                if (n > raw.length / SHDR_SIZE) {
                    throw new ObjectFormatException(source + ": section count " + n + " at offset " + shoff + " exceeds the file");
                }
                shnum = (int) n;
            }
            r.range(shoff, (long) shnum * shentsize, "section headers");
            for (int i = 0; i < shnum; i++) {
                long h = shoff + (long) i * shentsize;
                headers.add(new Section(i, "", r.u32(h + 4), r.u64(h + 8), r.u64(h + 0x10), r.u64(h + 0x18),
                        r.u64(h + 0x20), r.u32(h + 0x28), r.u32(h + 0x2c), r.u64(h + 0x38)));
            }
        }
        List<Section> named = new ArrayList<>(headers.size());
        if (!headers.isEmpty()) {
            if (shstrndx == 0xffff) {
                shstrndx = headers.get(0).link();
            }
            if (shstrndx <= 0 || shstrndx >= headers.size()) {
                throw new ObjectFormatException(source + ": section name table index " + shstrndx + " out of range 1.."
                        + (headers.size() - 1));
            }
            Section strtab = headers.get(shstrndx);
            r.range(strtab.offset(), strtab.size(), "section name table");
            for (Section s : headers) {
                String name = s.index() == 0 ? "" : r.cString(strtab.offset(), strtab.size(), Integer.toUnsignedLong(
                        r.u32(shoff + (long) s.index() * shentsize)), "section name of section " + s.index());
                if (s.type() != SHT_NOBITS && s.index() != 0) {
                    r.range(s.offset(), s.size(), "section " + name + " [" + s.index() + "]");
                }
                named.add(new Section(s.index(), name, s.type(), s.flags(), s.addr(), s.offset(), s.size(), s.link(),
                        s.info(), s.entsize()));
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (phnum > 0) {
            if (phentsize < PHDR_SIZE) {
                throw new ObjectFormatException(source + ": program header size " + phentsize + " is less than " + PHDR_SIZE);
            }
            r.range(phoff, (long) phnum * phentsize, "program headers");
            for (int i = 0; i < phnum; i++) {
                long h = phoff + (long) i * phentsize;
                segments.add(new Segment(r.u32(h), r.u32(h + 4), r.u64(h + 8), r.u64(h + 0x10), r.u64(h + 0x20),
                        r.u64(h + 0x28)));
            }
        }
        return new ElfFile(source, raw, type, machine, Collections.unmodifiableList(named),
                Collections.unmodifiableList(segments));
    }

    /**
     * Refuses anything but a relocatable eBPF object.
     *
     * @throws ObjectFormatException naming the machine or file type found
     */
    public ElfFile requireBpfObject() {
        if (machine != EM_BPF) {
            throw new ObjectFormatException(source + ": ELF machine " + machine + " is not BPF (" + EM_BPF
                    + "); compile with clang -target bpf");
        }
        if (type != ET_REL) {
            throw new ObjectFormatException(source + ": ELF type " + type + " is not a relocatable object (ET_REL)");
        }
        return this;
    }

    /** The file's name as given to {@link #parse}. */
    public String source() {
        return source;
    }

    /** e_type. */
    public int type() {
        return type;
    }

    /** e_machine. */
    public int machine() {
        return machine;
    }

    /** Every section header, index 0 (the null section) included. */
    public List<Section> sections() {
        return sections;
    }

    /** Every program header. */
    public List<Segment> segments() {
        return segments;
    }

    /** The first section of this name. */
    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.index() != 0 && s.name().equals(name)).findFirst();
    }

    /** The section with this index. */
    public Section section(int index) {
        if (index <= 0 || index >= sections.size()) {
            throw new ObjectFormatException(source + ": section index " + index + " out of range 1.." + (sections.size() - 1));
        }
        return sections.get(index);
    }

    /**
     * A section's contents (zeros for SHT_NOBITS), as a copy.
     *
     * @throws ObjectFormatException when a SHT_NOBITS section is implausibly large
     */
    public byte[] data(Section s) {
        if (s.type() == SHT_NOBITS) {
            if (s.size() < 0 || s.size() > MAX_NOBITS) {
                throw new ObjectFormatException(source + ": section " + s.name() + " [" + s.index() + "] claims "
                        + Long.toUnsignedString(s.size()) + " zero bytes (more than " + MAX_NOBITS + ")");
            }
            return new byte[(int) s.size()];
        }
        if (s.index() == 0) {
            return new byte[0];
        }
        return Arrays.copyOfRange(raw, (int) s.offset(), (int) (s.offset() + s.size()));
    }

    /** The static symbol table (.symtab); empty when stripped. */
    public List<Symbol> symbols() {
        return symbolsOf(SHT_SYMTAB);
    }

    /** The dynamic symbol table (.dynsym); empty for a static file. */
    public List<Symbol> dynamicSymbols() {
        return symbolsOf(SHT_DYNSYM);
    }

    private List<Symbol> symbolsOf(int tableType) {
        Optional<Section> table = sections.stream().filter(s -> s.type() == tableType).findFirst();
        if (table.isEmpty()) {
            return List.of();
        }
        Section t = table.get();
        String where = "symbol table " + t.name();
        Reader r = new Reader(source, where, raw);
        if (t.size() % SYM_SIZE != 0) {
            throw new ObjectFormatException(source + ": " + where + " size " + t.size() + " is not a multiple of " + SYM_SIZE);
        }
        if (t.link() <= 0 || t.link() >= sections.size()) {
            throw new ObjectFormatException(source + ": " + where + " links to string table " + t.link() + ", out of range");
        }
        Section strs = sections.get(t.link());
        int n = (int) (t.size() / SYM_SIZE);
        List<Symbol> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long at = t.offset() + (long) i * SYM_SIZE;
            String name = r.cString(strs.offset(), strs.size(), Integer.toUnsignedLong(r.u32(at)),
                    "name of symbol " + i + " at offset " + at);
            int shndx = r.u16(at + 6);
            int info = raw[(int) at + 4] & 0xff; // in range: u16(at + 6) succeeded
            out.add(new Symbol(i, name, shndx, r.u64(at + 8), r.u64(at + 16), info & 0xf, info >>> 4));
        }
        return Collections.unmodifiableList(out);
    }

    /** The SHT_REL entries that apply to {@code target}, from every relocation section naming it. */
    public List<Relocation> relocations(Section target) {
        List<Relocation> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() == SHT_RELA && s.info() == target.index()) {
                throw new ObjectFormatException(source + ": section " + s.name() + " holds RELA relocations; BPF objects use REL");
            }
            if (s.type() != SHT_REL || s.info() != target.index()) {
                continue;
            }
            if (s.size() % REL_SIZE != 0) {
                throw new ObjectFormatException(source + ": relocation section " + s.name() + " size " + s.size()
                        + " is not a multiple of " + REL_SIZE);
            }
            Reader r = new Reader(source, "relocation section " + s.name(), raw);
            for (long at = s.offset(); at < s.offset() + s.size(); at += REL_SIZE) {
                long info = r.u64(at + 8);
                out.add(new Relocation(r.u64(at), (int) (info >>> 32), (int) info));
            }
        }
        return out;
    }

    /**
     * Where the code of a function symbol starts in the file (what a uprobe attaches by): the
     * symbol's address translated through the PT_LOAD segment holding it, or for a relocatable
     * file its section's offset plus its value. Looks in .symtab first, then .dynsym.
     */
    public OptionalLong fileOffsetOfSymbol(String name) {
        for (List<Symbol> table : List.of(symbols(), dynamicSymbols())) {
            for (Symbol s : table) {
                if (!s.name().equals(name) || !s.defined() || (s.type() != STT_FUNC && s.type() != 10 /* STT_GNU_IFUNC */)) {
                    continue;
                }
                if (type == ET_REL) {
                    return OptionalLong.of(section(s.section()).offset() + s.value());
                }
                for (Segment p : segments) {
                    if (p.type() == PT_LOAD && (p.flags() & 1 /* PF_X */) != 0 && Long.compareUnsigned(s.value(), p.vaddr()) >= 0
                            && Long.compareUnsigned(s.value() - p.vaddr(), p.fileSize()) < 0) {
                        return OptionalLong.of(s.value() - p.vaddr() + p.offset());
                    }
                }
                // No segment holds it: fall back to its section, as for a relocatable file.
                Section sec = section(s.section());
                return OptionalLong.of(s.value() - sec.addr() + sec.offset());
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "ElfFile[" + source + ", type " + type + ", machine " + machine + ", " + sections.size() + " sections, "
                + segments.size() + " segments]";
    }

    private static long checkedAdd(String source, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new ObjectFormatException(source + ": offset " + Long.toUnsignedString(a) + " overflows");
        }
    }

    /** Bounds-checked little-endian reads; errors name the file, the part being read and the offset. */
    private record Reader(String source, String where, byte[] raw) {
        void range(long off, long len, String what) {
            if (off < 0 || len < 0 || off > raw.length || len > raw.length - off) {
                throw new ObjectFormatException(source + ": " + what + " at offset " + Long.toUnsignedString(off) + ", "
                        + Long.toUnsignedString(len) + " bytes, runs past the end of the file (" + raw.length + " bytes)");
            }
        }

        private int at(long off, int len) {
            if (off < 0 || off > raw.length - len) {
                throw new ObjectFormatException(source + ": " + where + ": reading " + len + " bytes at offset "
                        + Long.toUnsignedString(off) + " runs past the end of the file (" + raw.length + " bytes)");
            }
            return (int) off;
        }

        int u16(long off) {
            int i = at(off, 2);
            return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8;
        }

        int u32(long off) {
            int i = at(off, 4);
            return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8 | (raw[i + 2] & 0xff) << 16 | (raw[i + 3] & 0xff) << 24;
        }

        long u64(long off) {
            return (u32(off) & 0xffff_ffffL) | ((long) u32(off + 4) << 32);
        }

        /** The NUL-terminated string at {@code index} of the string table at [tableOff, tableOff + tableSize). */
        String cString(long tableOff, long tableSize, long index, String what) {
            range(tableOff, tableSize, "string table for " + what);
            if (index >= tableSize) {
                throw new ObjectFormatException(source + ": " + where + ": " + what + " at string index " + index
                        + " is outside its string table (" + tableSize + " bytes)");
            }
            int start = (int) (tableOff + index);
            int end = start;
            int limit = (int) (tableOff + tableSize);
            while (end < limit && raw[end] != 0) {
                end++;
            }
            if (end == limit) {
                throw new ObjectFormatException(source + ": " + where + ": " + what + " at string index " + index
                        + " is not NUL-terminated within its string table");
            }
            return new String(raw, start, end - start, StandardCharsets.UTF_8);
        }
    }
}
