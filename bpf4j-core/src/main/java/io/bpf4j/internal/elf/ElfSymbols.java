package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Symbols of a user-space ELF64 binary or shared library (for uprobes): a function's file offset,
 * found in {@code .symtab} or {@code .dynsym} and turned from a virtual address into a file offset
 * through the PT_LOAD program header that contains it, as the kernel's uprobe API wants. The file
 * is mapped, not read into the heap; every offset is checked.
 */
public final class ElfSymbols {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_LOAD = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;

    private ElfSymbols() {
    }

    /**
     * The file offset of function {@code name} in {@code binary}, empty when it has no such symbol.
     *
     * @throws ObjectFormatException when the file is not a little-endian ELF64
     */
    public static OptionalLong fileOffsetOfSymbol(Path binary, String name) {
        try (FileChannel ch = FileChannel.open(binary, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 64) {
                throw new ObjectFormatException(binary + ": " + size + " bytes is too short for an ELF file");
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
            ByteBuffer b = m.order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
                throw new ObjectFormatException(binary + ": not a little-endian ELF64 file");
            }
            long vaddr = -1;
            for (int type : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
                vaddr = findSymbol(binary, b, type, name);
                if (vaddr >= 0) {
                    break;
                }
            }
            if (vaddr < 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(toFileOffset(binary, b, vaddr));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + binary, e);
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new ObjectFormatException(binary + ": truncated or corrupt ELF headers", e);
        }
    }

    private static long findSymbol(Path binary, ByteBuffer b, int wanted, String name) {
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < shnum; i++) {
            int h = Math.toIntExact(shoff + (long) i * shentsize);
            if (b.getInt(h + 4) != wanted) {
                continue;
            }
            int link = b.getInt(h + 0x28);
            long off = b.getLong(h + 0x18);
            long size = b.getLong(h + 0x20);
            long strOff = b.getLong(Math.toIntExact(shoff + (long) link * shentsize) + 0x18);
            for (long at = off; at + 24 <= off + size; at += 24) {
                int s = Math.toIntExact(at);
                int type = b.get(s + 4) & 0xf;
                if ((type != STT_FUNC && type != STT_GNU_IFUNC) || b.getShort(s + 6) == 0) {
                    continue;
                }
                if (matches(b, Math.toIntExact(strOff + Integer.toUnsignedLong(b.getInt(s))), want)) {
                    return b.getLong(s + 8);
                }
            }
        }
        return -1;
    }

    private static boolean matches(ByteBuffer b, int at, byte[] want) {
        for (int i = 0; i < want.length; i++) {
            if (b.get(at + i) != want[i]) {
                return false;
            }
        }
        return b.get(at + want.length) == 0;
    }

    private static long toFileOffset(Path binary, ByteBuffer b, long vaddr) {
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int h = Math.toIntExact(phoff + (long) i * phentsize);
            if (b.getInt(h) != PT_LOAD) {
                continue;
            }
            long off = b.getLong(h + 8);
            long va = b.getLong(h + 0x10);
            long memsz = b.getLong(h + 0x28);
            if (vaddr >= va && vaddr < va + memsz) {
                return vaddr - va + off;
            }
        }
        throw new ObjectFormatException(binary + ": symbol address 0x" + Long.toHexString(vaddr)
                + " is in no PT_LOAD segment");
    }
}
