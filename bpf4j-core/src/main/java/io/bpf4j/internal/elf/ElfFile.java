package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** One section: its name, type, flags and contents (zeros for SHT_NOBITS). */
    public record Section(String name, int type, long flags, byte[] data) {
    }

    /** One symbol; {@code section} is "" when undefined (an extern). */
    public record Symbol(String name, String section, long value, long size, int type, int bind) {
    }

    /** One SHT_REL entry: where, against which symbol, of which R_BPF_* type. */
    public record Reloc(long offset, Symbol symbol, int type) {
    }

    private final String file;
    private final Map<String, Section> sections;
    private final List<Symbol> symbols;
    private final Map<String, List<Reloc>> relocations;

    private ElfFile(String file, Map<String, Section> sections, List<Symbol> symbols, Map<String, List<Reloc>> relocations) {
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
        Reader r = new Reader(file, raw);
        if (raw.length < 64 || raw[0] != 0x7f || raw[1] != 'E' || raw[2] != 'L' || raw[3] != 'F') {
            throw r.error("not an ELF file (no \\x7fELF magic)", 0);
        }
        if (raw[4] != 2) {
            throw r.error("32-bit ELF; BPF objects are ELF64", 4);
        }
        if (raw[5] != 1) {
            throw r.error("big-endian ELF; bpf4j loads little-endian BPF objects (clang -target bpfel or bpf on x86)", 5);
        }
        int machine = r.u16(0x12);
        if (machine != EM_BPF) {
            throw r.error("e_machine " + machine + " is not BPF (" + EM_BPF + "): compile with clang -target bpf", 0x12);
        }
        long shoff = r.u64(0x28);
        int shentsize = r.u16(0x3a);
        int shnum = r.u16(0x3c);
        int shstrndx = r.u16(0x3e);
        if (shentsize < 64) {
            throw r.error("section header size " + shentsize + " is smaller than ELF64's 64", 0x3a);
        }
        if (shstrndx >= shnum) {
            throw r.error("section name table index " + shstrndx + " outside " + shnum + " sections", 0x3e);
        }
        r.range(shoff, (long) shnum * shentsize, "section headers");
        long[] hdr = new long[shnum];
        for (int i = 0; i < shnum; i++) {
            hdr[i] = shoff + (long) i * shentsize;
        }
        long strOff = r.u64(hdr[shstrndx] + 0x18);
        long strSize = r.u64(hdr[shstrndx] + 0x20);
        r.range(strOff, strSize, "section name table");
        String[] names = new String[shnum];
        Map<String, Section> sections = new LinkedHashMap<>();
        int symtab = -1;
        for (int i = 1; i < shnum; i++) {
            long h = hdr[i];
            String name = r.string(strOff, strSize, r.u32(h), "section name of section " + i);
            int type = r.u32(h + 4);
            long flags = r.u64(h + 8);
            long off = r.u64(h + 0x18);
            long size = r.u64(h + 0x20);
            byte[] data;
            if (type == SHT_NOBITS) {
                if (size > Integer.MAX_VALUE - 8 || size > 1L << 30) {
                    throw r.error("section " + name + " declares " + size + " bytes of zeros", h + 0x20);
                }
                data = new byte[(int) size];
            } else {
                r.range(off, size, "section " + name);
                data = Arrays.copyOfRange(raw, (int) off, (int) (off + size));
            }
            names[i] = name;
            sections.putIfAbsent(name, new Section(name, type, flags, data));
            if (type == SHT_SYMTAB) {
                symtab = i;
            }
        }
        List<Symbol> symbols = new ArrayList<>();
        Map<String, List<Reloc>> relocations = new LinkedHashMap<>();
        if (symtab > 0) {
            long h = hdr[symtab];
            int link = r.u32(h + 0x28);
            if (link <= 0 || link >= shnum) {
                throw r.error("symbol table links to string table " + link + " outside " + shnum + " sections", h + 0x28);
            }
            long symOff = r.u64(h + 0x18);
            long symSize = r.u64(h + 0x20);
            r.range(symOff, symSize, "section .symtab");
            long strs = r.u64(hdr[link] + 0x18);
            long strsSize = r.u64(hdr[link] + 0x20);
            r.range(strs, strsSize, "symbol string table");
            for (long at = symOff + 24; at + 24 <= symOff + symSize; at += 24) {
                String name = r.string(strs, strsSize, r.u32(at), "symbol name at .symtab offset " + (at - symOff));
                int shndx = r.u16(at + 6);
                String sec = shndx > 0 && shndx < shnum ? names[shndx] : "";
                int info = raw[(int) at + 4] & 0xff;
                symbols.add(new Symbol(name, sec, r.u64(at + 8), r.u64(at + 16), info & 0xf, info >>> 4));
            }
            for (int i = 1; i < shnum; i++) {
                long rh = hdr[i];
                if (r.u32(rh + 4) != SHT_REL) {
                    continue;
                }
                int target = r.u32(rh + 0x2c);
                if (target <= 0 || target >= shnum) {
                    throw r.error("relocation section " + names[i] + " applies to section " + target
                            + " outside " + shnum + " sections", rh + 0x2c);
                }
                long off = r.u64(rh + 0x18);
                long size = r.u64(rh + 0x20);
                r.range(off, size, "section " + names[i]);
                List<Reloc> list = relocations.computeIfAbsent(names[target], k -> new ArrayList<>());
                for (long at = off; at + 16 <= off + size; at += 16) {
                    long info = r.u64(at + 8);
                    long sym = info >>> 32;
                    if (sym < 1 || sym > symbols.size()) {
                        throw r.error("relocation in " + names[i] + " names symbol " + sym + " outside "
                                + symbols.size() + " symbols", at + 8);
                    }
                    list.add(new Reloc(r.u64(at), symbols.get((int) sym - 1), (int) info));
                }
            }
        }
        return new ElfFile(file, Collections.unmodifiableMap(sections), List.copyOf(symbols),
                Collections.unmodifiableMap(relocations));
    }

    /** Bounds-checked little-endian reads that fail with the file and offset. */
    static final class Reader {
        private final String file;
        private final byte[] raw;
        private final ByteBuffer b;

        Reader(String file, byte[] raw) {
            this.file = file;
            this.raw = raw;
            this.b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        }

        ObjectFormatException error(String what, long offset) {
            return new ObjectFormatException(file + ": " + what + " (at byte offset " + offset + ")");
        }

        void range(long off, long len, String what) {
            if (off < 0 || len < 0 || off > raw.length || len > raw.length - off) {
                throw error(what + " spans bytes " + off + ".." + (off + len) + ", past the end of the "
                        + raw.length + "-byte file", off);
            }
        }

        int u16(long at) {
            range(at, 2, "a 16-bit field");
            return b.getShort((int) at) & 0xffff;
        }

        int u32(long at) {
            range(at, 4, "a 32-bit field");
            return b.getInt((int) at);
        }

        long u64(long at) {
            range(at, 8, "a 64-bit field");
            long v = b.getLong((int) at);
            if (v < 0) {
                throw error("64-bit field holds " + Long.toUnsignedString(v) + ", too large for any file", at);
            }
            return v;
        }

        String string(long tableOff, long tableSize, int nameOff, String what) {
            if (nameOff < 0 || nameOff >= tableSize) {
                throw error(what + ": name offset " + Integer.toUnsignedString(nameOff) + " outside the "
                        + tableSize + "-byte string table", tableOff);
            }
            long start = tableOff + nameOff;
            long end = start;
            long limit = tableOff + tableSize;
            while (end < limit && raw[(int) end] != 0) {
                end++;
            }
            if (end == limit) {
                throw error(what + ": string is not NUL-terminated inside its table", start);
            }
            return new String(raw, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        }
    }
}
