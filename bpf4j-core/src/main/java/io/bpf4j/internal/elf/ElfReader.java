package io.bpf4j.internal.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one ELF64 little-endian parser behind {@link ElfFile} (BPF objects) and {@link ElfBinary}
 * (user binaries for uprobes): the identification and header, the section header table
 * (extended section numbering included), section names, string tables, symbol tables and program
 * headers. It reads only what it is asked for, through an {@link ElfSource} that checks every
 * range against the file, so a hostile file gives an {@code ObjectFormatException} naming the file,
 * the part and the offset.
 */
final class ElfReader {
    static final int SHT_SYMTAB = 2;
    static final int SHT_DYNSYM = 11;
    static final int SHN_UNDEF = 0;
    static final int SHN_LORESERVE = 0xff00;
    static final int SHN_XINDEX = 0xffff;
    static final int SYM_SIZE = 24;
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_MIN = 64;
    private static final int PHDR_MIN = 56;

    /** The ELF header's fields this library uses. */
    record Header(
            int type, int machine, long phoff, long shoff, int phentsize, int phnum, int shentsize, int shstrndx) {}

    /** One section header; {@code at} is where the header itself lies in the file (for messages). */
    record SectionHeader(
            int index,
            int nameOff,
            int type,
            long flags,
            long offset,
            long size,
            int link,
            int info,
            long entrySize,
            long at) {}

    /** One symbol table entry, undecoded: name offset, st_info, st_other, section index, value and size. */
    record RawSymbol(int nameOff, int info, int other, int shndx, long value, long size) {
        int type() {
            return info & 0xf;
        }

        int bind() {
            return info >>> 4;
        }
    }

    /** A string table's bytes, with checked lookups. */
    record StringTable(ElfReader reader, String name, long at, byte[] bytes) {
        /** The NUL-terminated string at {@code off}; {@code what} names it in messages. */
        String string(int off, String what) {
            if (off < 0 || off >= bytes.length) {
                throw reader.source.error(
                        what + ": name offset " + Integer.toUnsignedString(off) + " outside the " + bytes.length
                                + "-byte string table " + name,
                        at);
            }
            int end = off;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            if (end == bytes.length) {
                throw reader.source.error(what + ": string is not NUL-terminated inside " + name, at + off);
            }
            return new String(bytes, off, end - off, StandardCharsets.UTF_8);
        }
    }

    private final ElfSource source;
    private final Header header;
    private final List<SectionHeader> sections;
    private StringTable sectionNames;

    private ElfReader(ElfSource source, Header header, List<SectionHeader> sections) {
        this.source = source;
        this.header = header;
        this.sections = sections;
    }

    /**
     * Reads and checks the identification, the header and the section header table.
     *
     * @param classHint what a 32-bit file is told (a BPF object's message says how to compile one)
     * @param orderHint what a big-endian file is told
     */
    static ElfReader open(ElfSource src, String classHint, String orderHint) {
        if (src.size() < EHDR_SIZE) {
            throw src.error("file of " + src.size() + " bytes is too short for an ELF64 header", 0);
        }
        ByteBuffer h = src.read(0, EHDR_SIZE, "ELF header");
        if (h.get(0) != 0x7f || h.get(1) != 'E' || h.get(2) != 'L' || h.get(3) != 'F') {
            throw src.error("not an ELF file (no \\x7fELF magic)", 0);
        }
        if (h.get(4) != 2) {
            throw src.error("32-bit ELF; " + classHint, 4);
        }
        if (h.get(5) != 1) {
            throw src.error("big-endian ELF; " + orderHint, 5);
        }
        Header hdr = new Header(
                h.getShort(0x10) & 0xffff,
                h.getShort(0x12) & 0xffff,
                h.getLong(0x20),
                h.getLong(0x28),
                h.getShort(0x36) & 0xffff,
                h.getShort(0x38) & 0xffff,
                h.getShort(0x3a) & 0xffff,
                h.getShort(0x3e) & 0xffff);
        int shnum = h.getShort(0x3c) & 0xffff;
        List<SectionHeader> sections = new ArrayList<>();
        if (hdr.shoff() != 0) {
            if (hdr.shentsize() < SHDR_MIN) {
                throw src.error("section header size " + hdr.shentsize() + " is smaller than ELF64's 64", 0x3a);
            }
            if (shnum == 0) {
                // More than 0xff00 sections: the real count lives in section 0's sh_size.
                long real = src.read(hdr.shoff(), SHDR_MIN, "section header 0").getLong(0x20);
                if (real <= 0 || real > src.size() / hdr.shentsize()) {
                    throw src.error("extended section count " + real + " cannot fit in the file", hdr.shoff() + 0x20);
                }
                shnum = (int) real;
            }
            ByteBuffer sh = src.read(hdr.shoff(), (long) shnum * hdr.shentsize(), "section headers");
            for (int i = 0; i < shnum; i++) {
                int at = i * hdr.shentsize();
                sections.add(new SectionHeader(
                        i,
                        sh.getInt(at),
                        sh.getInt(at + 4),
                        sh.getLong(at + 8),
                        sh.getLong(at + 0x18),
                        sh.getLong(at + 0x20),
                        sh.getInt(at + 0x28),
                        sh.getInt(at + 0x2c),
                        sh.getLong(at + 0x38),
                        hdr.shoff() + at));
            }
        }
        if (hdr.shstrndx() == SHN_XINDEX && sections.isEmpty()) {
            throw src.error("section name table index escapes to section 0, but the file has no sections", 0x3e);
        }
        return new ElfReader(src, hdr, List.copyOf(sections));
    }

    ElfSource source() {
        return source;
    }

    Header header() {
        return header;
    }

    /** Every section header, index 0 (the null section) included. */
    List<SectionHeader> sections() {
        return sections;
    }

    /** The section header at {@code index}; {@code what} names the reference in messages. */
    SectionHeader section(long index, String what, long at) {
        if (index <= 0 || index >= sections.size()) {
            throw source.error(
                    what + " " + Long.toUnsignedString(index) + " outside " + sections.size() + " sections", at);
        }
        return sections.get((int) index);
    }

    /** The name of a section, from the section name table (e_shstrndx). */
    String name(SectionHeader s) {
        if (sectionNames == null) {
            int index = header.shstrndx() == SHN_XINDEX ? sections.getFirst().link() : header.shstrndx();
            sectionNames = strings(section(index, "section name table index", 0x3e), "section name table");
        }
        return sectionNames.string(s.nameOff(), "section name of section " + s.index());
    }

    /** The contents of a section; {@code what} names it in messages. */
    byte[] contents(SectionHeader s, String what) {
        return source.bytes(s.offset(), s.size(), what);
    }

    /** A section read as a string table. */
    StringTable strings(SectionHeader s, String what) {
        return new StringTable(this, what, s.offset(), contents(s, what));
    }

    /** The entries in {@code entries}, the bytes of symbol table {@code s}, index 0 left out. */
    List<RawSymbol> symbols(SectionHeader s, String name, byte[] entries) {
        if (s.entrySize() != SYM_SIZE) {
            throw source.error(name + " entry size " + s.entrySize() + " is not ELF64's " + SYM_SIZE, s.at() + 0x38);
        }
        ByteBuffer e = ByteBuffer.wrap(entries).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        List<RawSymbol> out = new ArrayList<>(Math.max(0, entries.length / SYM_SIZE - 1));
        for (int at = SYM_SIZE; at + SYM_SIZE <= entries.length; at += SYM_SIZE) {
            out.add(new RawSymbol(
                    e.getInt(at),
                    entries[at + 4] & 0xff,
                    entries[at + 5] & 0xff,
                    e.getShort(at + 6) & 0xffff,
                    e.getLong(at + 8),
                    e.getLong(at + 16)));
        }
        return out;
    }

    /** The string table a symbol table links to. */
    StringTable linkedStrings(SectionHeader symtab, String name) {
        SectionHeader str =
                section(Integer.toUnsignedLong(symtab.link()), name + " links to string table", symtab.at() + 0x28);
        return strings(str, "string table of " + name);
    }

    /** The program headers (segments), in file order. */
    List<ElfBinary.Segment> segments() {
        List<ElfBinary.Segment> out = new ArrayList<>();
        if (header.phnum() == 0) {
            return out;
        }
        if (header.phentsize() < PHDR_MIN) {
            throw source.error("program header size " + header.phentsize() + " is smaller than ELF64's 56", 0x36);
        }
        ByteBuffer ph = source.read(header.phoff(), (long) header.phnum() * header.phentsize(), "program headers");
        for (int i = 0; i < header.phnum(); i++) {
            int at = i * header.phentsize();
            out.add(new ElfBinary.Segment(
                    ph.getInt(at),
                    ph.getInt(at + 4),
                    ph.getLong(at + 8),
                    ph.getLong(at + 16),
                    ph.getLong(at + 32),
                    ph.getLong(at + 40)));
        }
        return out;
    }
}
