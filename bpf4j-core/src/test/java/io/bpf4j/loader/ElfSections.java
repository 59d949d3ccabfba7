package io.bpf4j.loader;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreRelocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough ELF64 and .BTF.ext reading for the CO-RE tests: section contents by name and the
 * CO-RE relocation records per section. (The library's own ELF reader is another branch's work;
 * this keeps the relocator testable on its own.)
 */
public final class ElfSections {
    /** Section contents by name. */
    public final Map<String, byte[]> sections = new LinkedHashMap<>();
    /** Symbols: name, section name, value, size. */
    public final List<Symbol> symbols = new ArrayList<>();
    /** Section flags (SHF_*) by name. */
    public final Map<String, Long> flags = new LinkedHashMap<>();
    /** Relocations by the section they apply to. */
    public final Map<String, List<Reloc>> relocations = new LinkedHashMap<>();

    /** One symbol table entry; {@code type} is STT_*, {@code bind} STB_*; section "" when undefined. */
    public record Symbol(String name, String section, long value, long size, int type, int bind) {
    }

    /** One SHT_REL entry. */
    public record Reloc(long offset, Symbol symbol, int type) {
    }

    /** A .BTF.ext record of a section, with its byte offset turned into a slot. */
    public record ExtRecord(String section, int slot, int[] fields) {
    }

    private ElfSections() {
    }

    public static ElfSections read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        int shstrndx = b.getShort(0x3e) & 0xffff;
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize) + 0x18);
        ElfSections out = new ElfSections();
        String[] names = new String[shnum];
        int symtab = -1;
        for (int i = 1; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            int nameOff = b.getInt(h);
            int type = b.getInt(h + 4);
            long off = b.getLong(h + 0x18);
            long size = b.getLong(h + 0x20);
            int end = (int) (strOff + nameOff);
            while (raw[end] != 0) {
                end++;
            }
            String name = new String(raw, (int) (strOff + nameOff), end - (int) (strOff + nameOff), StandardCharsets.US_ASCII);
            byte[] data = type == 8 /* SHT_NOBITS: zeros */ ? new byte[(int) size] : java.util.Arrays.copyOfRange(raw, (int) off, (int) (off + size));
            out.sections.put(name, data);
            names[i] = name;
            out.flags.put(name, b.getLong(h + 8));
            if (type == 2 /* SHT_SYMTAB */) {
                symtab = i;
            }
        }
        if (symtab > 0) {
            int h = (int) (shoff + (long) symtab * shentsize);
            int link = b.getInt(h + 0x28);
            long symOff = b.getLong(h + 0x18);
            long symSize = b.getLong(h + 0x20);
            long strs = b.getLong((int) (shoff + (long) link * shentsize) + 0x18);
            for (long at = symOff + 24; at < symOff + symSize; at += 24) {
                int nameOff = b.getInt((int) at);
                int shndx = b.getShort((int) at + 6) & 0xffff;
                int end = (int) (strs + nameOff);
                while (raw[end] != 0) {
                    end++;
                }
                String name = new String(raw, (int) (strs + nameOff), end - (int) (strs + nameOff), StandardCharsets.US_ASCII);
                String sec = shndx > 0 && shndx < shnum ? names[shndx] : "";
                int info = raw[(int) at + 4] & 0xff;
                out.symbols.add(new Symbol(name, sec, b.getLong((int) at + 8), b.getLong((int) at + 16), info & 0xf, info >>> 4));
            }
            for (int i = 1; i < shnum; i++) {
                int rh = (int) (shoff + (long) i * shentsize);
                if (b.getInt(rh + 4) != 9 /* SHT_REL */) {
                    continue;
                }
                int target = b.getInt(rh + 0x2c);
                long off = b.getLong(rh + 0x18);
                long size = b.getLong(rh + 0x20);
                List<Reloc> list = out.relocations.computeIfAbsent(names[target], k -> new ArrayList<>());
                for (long at = off; at < off + size; at += 16) {
                    long rinfo = b.getLong((int) at + 8);
                    list.add(new Reloc(b.getLong((int) at), out.symbols.get((int) (rinfo >>> 32) - 1), (int) rinfo));
                }
            }
        }
        return out;
    }

    /** func_info (which = 0, fields: type id) or line_info (which = 1, fields: file, line, line_col) records. */
    public List<ExtRecord> extInfo(Btf btf, int which) {
        ByteBuffer b = ByteBuffer.wrap(sections.get(".BTF.ext")).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = b.getInt(4);
        int off = b.getInt(8 + which * 8);
        int len = b.getInt(12 + which * 8);
        List<ExtRecord> out = new ArrayList<>();
        if (len == 0) {
            return out;
        }
        int at = hdrLen + off;
        int end = at + len;
        int recSize = b.getInt(at);
        at += 4;
        while (at < end) {
            String sec = btf.string(b.getInt(at));
            int n = b.getInt(at + 4);
            at += 8;
            for (int i = 0; i < n; i++, at += recSize) {
                int[] fields = new int[recSize / 4 - 1];
                for (int f = 0; f < fields.length; f++) {
                    fields[f] = b.getInt(at + 4 + 4 * f);
                }
                out.add(new ExtRecord(sec, b.getInt(at) / 8, fields));
            }
        }
        return out;
    }

    /** CO-RE relocation records of .BTF.ext, by section name. */
    public Map<String, List<CoreRelocation>> coreRelocations(Btf btf) {
        byte[] ext = sections.get(".BTF.ext");
        ByteBuffer b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        int hdrLen = b.getInt(4);
        Map<String, List<CoreRelocation>> out = new LinkedHashMap<>();
        if (hdrLen < 32) {
            return out;
        }
        int coreOff = b.getInt(24);
        int coreLen = b.getInt(28);
        int at = hdrLen + coreOff;
        int end = at + coreLen;
        if (coreLen == 0) {
            return out;
        }
        int recSize = b.getInt(at);
        at += 4;
        while (at < end) {
            String sec = btf.string(b.getInt(at));
            int n = b.getInt(at + 4);
            at += 8;
            List<CoreRelocation> list = out.computeIfAbsent(sec, k -> new ArrayList<>());
            for (int i = 0; i < n; i++, at += recSize) {
                list.add(new CoreRelocation(b.getInt(at) / 8, b.getInt(at + 4), btf.string(b.getInt(at + 8)),
                        CoreRelocation.Kind.of(b.getInt(at + 12))));
            }
        }
        return out;
    }
}
