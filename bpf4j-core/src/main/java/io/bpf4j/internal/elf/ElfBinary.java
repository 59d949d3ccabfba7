package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A user-space ELF64 little-endian file (executable, shared library or relocatable object) seen
 * the way uprobes need it: symbols from {@code .symtab} and {@code .dynsym} by name, and the
 * translation of a symbol's virtual address into the file offset the kernel's uprobe API wants.
 *
 * <p>Only the headers and the symbol and string tables are read; a 2 MB libc costs a few hundred
 * kilobytes, not the whole file. Every offset and size the file declares is checked against the
 * file's length before it is used, so a truncated or hostile file gives an
 * {@link ObjectFormatException} naming the file and the byte offset.
 *
 * <pre>{@code
 * ElfBinary libc = ElfBinary.open(Path.of("/lib/x86_64-linux-gnu/libc.so.6"));
 * long offset = libc.fileOffsetOfSymbol("getpid").orElseThrow();
 * }</pre>
 */
public final class ElfBinary {
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int PT_LOAD = 1;
    public static final int SHT_SYMTAB = ElfReader.SHT_SYMTAB;
    public static final int SHT_DYNSYM = ElfReader.SHT_DYNSYM;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    /** Indirect functions (glibc's memcpy and friends): the symbol is the resolver, still probeable. */
    public static final int STT_GNU_IFUNC = 10;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    private static final int SHN_UNDEF = ElfReader.SHN_UNDEF;
    private static final int SHN_LORESERVE = ElfReader.SHN_LORESERVE;
    private static final int SYM_SIZE = ElfReader.SYM_SIZE;

    /** One program header (segment). */
    public record Segment(int type, int flags, long offset, long vaddr, long fileSize, long memSize) {
        /** Whether {@code address} lies in the part of this segment backed by file bytes. */
        public boolean coversInFile(long address) {
            return address >= vaddr && address - vaddr < fileSize;
        }
    }

    /**
     * One defined symbol. {@code table} is ".symtab" or ".dynsym"; {@code sectionIndex} is the
     * section it is defined in (or a reserved index such as SHN_ABS).
     */
    public record Symbol(String name, long value, long size, int type, int bind, int sectionIndex, String table) {}

    /** A symbol table's raw entries and its string table, kept for name lookups. */
    private record SymbolTable(String name, byte[] entries, byte[] strings) {}

    private final String file;
    private final int elfType;
    private final int machine;
    private final List<Segment> segments;
    private final List<ElfReader.SectionHeader> sections;
    private final List<SymbolTable> symbolTables;

    private ElfBinary(
            String file,
            int elfType,
            int machine,
            List<Segment> segments,
            List<ElfReader.SectionHeader> sections,
            List<SymbolTable> symbolTables) {
        this.file = file;
        this.elfType = elfType;
        this.machine = machine;
        this.segments = segments;
        this.sections = sections;
        this.symbolTables = symbolTables;
    }

    /**
     * Reads the headers and symbol tables of the file at {@code path}.
     *
     * @throws ObjectFormatException when the file is not a well-formed ELF64 little-endian file,
     *         or cannot be read
     */
    public static ElfBinary open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(ElfSource.of(path.toString(), ch));
        } catch (IOException e) {
            throw new ObjectFormatException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the headers and symbol tables from the bytes of a file.
     *
     * @param file a name for messages
     */
    public static ElfBinary read(String file, byte[] bytes) {
        return parse(ElfSource.of(file, bytes));
    }

    /** The file name used in messages. */
    public String file() {
        return file;
    }

    /** e_type: {@link #ET_REL}, {@link #ET_EXEC}, {@link #ET_DYN} or another value. */
    public int elfType() {
        return elfType;
    }

    /** e_machine (62 for x86-64, 183 for AArch64, 247 for BPF). */
    public int machine() {
        return machine;
    }

    /** All program headers, in file order (empty for relocatable objects). */
    public List<Segment> segments() {
        return segments;
    }

    /**
     * The defined symbol named {@code name}: from {@code .symtab} if the file has one, else
     * {@code .dynsym}. A name without '@' also matches versioned names ({@code getpid@@GLIBC_2.2.5}).
     * Among several, a global beats a weak beats a local one.
     *
     * @throws ObjectFormatException when the best candidates disagree on the address
     */
    public Optional<Symbol> symbol(String name) {
        for (SymbolTable table : symbolTables) {
            Optional<Symbol> found = best(table, name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * The names of the functions (and ifuncs) this file defines, from {@code .symtab} and
     * {@code .dynsym}, without symbol versions ({@code getpid@@GLIBC_2.2.5} is {@code getpid}),
     * each once, in table order: what a uprobe.multi pattern is matched against.
     */
    public List<String> functionNames() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (SymbolTable table : symbolTables) {
            ByteBuffer e = ByteBuffer.wrap(table.entries()).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = SYM_SIZE; at + SYM_SIZE <= table.entries().length; at += SYM_SIZE) {
                int type = table.entries()[at + 4] & 0xf;
                if ((e.getShort(at + 6) & 0xffff) == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC)) {
                    continue;
                }
                int nameOff = e.getInt(at);
                if (nameOff < 0 || nameOff >= table.strings().length) {
                    throw new ObjectFormatException(file + ": " + table.name() + " entry " + (at / SYM_SIZE)
                            + " names string offset " + Integer.toUnsignedString(nameOff) + ", past its string table ("
                            + table.strings().length + " bytes)");
                }
                String n = string(table, nameOff);
                int v = n.indexOf('@');
                n = v < 0 ? n : n.substring(0, v);
                if (!n.isEmpty()) {
                    names.add(n);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The file offset of function {@code name}'s first instruction — what a uprobe attaches to.
     * Empty when the file defines no function (or ifunc) of that name.
     */
    public OptionalLong fileOffsetOfSymbol(String name) {
        Optional<Symbol> sym = symbol(name);
        if (sym.isEmpty() || !(sym.get().type() == STT_FUNC || sym.get().type() == STT_GNU_IFUNC)) {
            return OptionalLong.empty();
        }
        Symbol s = sym.get();
        if (elfType == ET_REL) {
            // In relocatable objects a symbol's value is an offset inside its section.
            if (s.sectionIndex() >= SHN_LORESERVE || s.sectionIndex() >= sections.size()) {
                return OptionalLong.empty();
            }
            ElfReader.SectionHeader sec = sections.get(s.sectionIndex());
            if (sec.offset() < 0 || s.value() < 0 || s.value() >= sec.size()) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(sec.offset() + s.value());
        }
        return fileOffsetOfAddress(s.value());
    }

    /** The file offset holding virtual address {@code address}, through the PT_LOAD segment that covers it. */
    public OptionalLong fileOffsetOfAddress(long address) {
        for (Segment seg : segments) {
            if (seg.type() == PT_LOAD && seg.coversInFile(address)) {
                return OptionalLong.of(address - seg.vaddr() + seg.offset());
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "ElfBinary[" + file + ", type " + elfType + ", machine " + machine + ", " + segments.size()
                + " segments, symbol tables "
                + symbolTables.stream().map(SymbolTable::name).toList() + "]";
    }

    private Optional<Symbol> best(SymbolTable table, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        boolean versioned = name.indexOf('@') >= 0;
        ByteBuffer e = ByteBuffer.wrap(table.entries()).order(ByteOrder.LITTLE_ENDIAN);
        List<Symbol> candidates = new ArrayList<>();
        for (int at = SYM_SIZE; at + SYM_SIZE <= table.entries().length; at += SYM_SIZE) {
            int shndx = e.getShort(at + 6) & 0xffff;
            if (shndx == SHN_UNDEF) {
                continue;
            }
            int nameOff = e.getInt(at);
            if (!nameMatches(table, nameOff, wanted, versioned)) {
                continue;
            }
            int info = table.entries()[at + 4] & 0xff;
            candidates.add(new Symbol(
                    string(table, nameOff),
                    e.getLong(at + 8),
                    e.getLong(at + 16),
                    info & 0xf,
                    info >>> 4,
                    shndx,
                    table.name()));
        }
        int bestRank = candidates.stream().mapToInt(ElfBinary::rank).max().orElse(-1);
        List<Symbol> top = candidates.stream().filter(s -> rank(s) == bestRank).toList();
        if (top.isEmpty()) {
            return Optional.empty();
        }
        if (top.stream().mapToLong(Symbol::value).distinct().count() > 1) {
            throw new ObjectFormatException(file + ": symbol " + name + " is defined " + top.size()
                    + " times in " + table.name() + " at different addresses "
                    + top.stream().map(s -> "0x" + Long.toHexString(s.value())).toList());
        }
        return Optional.of(top.getFirst());
    }

    private static int rank(Symbol s) {
        return switch (s.bind()) {
            case STB_GLOBAL -> 2;
            case STB_WEAK -> 1;
            default -> 0;
        };
    }

    /** Whether the string at {@code nameOff} is {@code wanted}, or {@code wanted@version} for an unversioned query. */
    private static boolean nameMatches(SymbolTable table, int nameOff, byte[] wanted, boolean versioned) {
        byte[] s = table.strings();
        if (nameOff < 0 || nameOff >= s.length || s.length - nameOff < wanted.length) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (s[nameOff + i] != wanted[i]) {
                return false;
            }
        }
        int end = nameOff + wanted.length;
        if (end == s.length) {
            return false; // not NUL-terminated inside the table: not a well-formed name
        }
        return s[end] == 0 || (!versioned && s[end] == '@');
    }

    private static String string(SymbolTable table, int nameOff) {
        byte[] s = table.strings();
        int end = nameOff;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        return new String(s, nameOff, end - nameOff, StandardCharsets.UTF_8);
    }

    private static ElfBinary parse(ElfSource src) {
        ElfReader r = ElfReader.open(src, "bpf4j reads ELF64 files only", "bpf4j reads little-endian files only");
        List<ElfReader.SectionHeader> sections = r.sections();
        List<SymbolTable> tables = new ArrayList<>();
        for (int wantedType : new int[] {ElfReader.SHT_SYMTAB, ElfReader.SHT_DYNSYM}) {
            for (ElfReader.SectionHeader s : sections) {
                if (s.type() != wantedType) {
                    continue;
                }
                String name = wantedType == ElfReader.SHT_SYMTAB ? ".symtab" : ".dynsym";
                if (s.entrySize() != SYM_SIZE) {
                    throw src.error(
                            name + " entry size " + s.entrySize() + " is not ELF64's " + SYM_SIZE, s.at() + 0x38);
                }
                // Kept as bytes: lookups scan the entries in place, decoding only the names that match.
                tables.add(new SymbolTable(
                        name,
                        r.contents(s, "section " + name),
                        r.linkedStrings(s, name).bytes()));
                break;
            }
        }
        return new ElfBinary(
                src.file(),
                r.header().type(),
                r.header().machine(),
                List.copyOf(r.segments()),
                sections,
                List.copyOf(tables));
    }
}
