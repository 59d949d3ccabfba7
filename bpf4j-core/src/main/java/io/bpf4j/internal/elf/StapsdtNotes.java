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
import java.util.OptionalLong;

/**
 * The USDT probes of a user-space binary or shared library: the {@code NT_STAPSDT} notes of its
 * {@code .note.stapsdt} section, as {@code <sys/sdt.h>} writes them and libbpf reads them.
 *
 * <p>Each note holds three addresses (the probe's NOP, the link-time address of
 * {@code .stapsdt.base}, the semaphore or 0) and three NUL-terminated strings (provider, name,
 * argument specs). The notes are not allocated, so prelink does not rewrite them; it does move
 * {@code .stapsdt.base}, and the difference between that section's address and the note's base is
 * added to the probe's address (and, as the SystemTap note format says, to the semaphore's). The
 * addresses are then turned into the file offsets uprobes want, through the PT_LOAD segment that
 * holds them: the probe's must be executable, the semaphore's must not.
 *
 * <p>Every size the file declares is checked against the bytes present; a malformed note gives an
 * {@link ObjectFormatException} naming the file and the byte offset.
 *
 * <pre>{@code
 * StapsdtNotes notes = StapsdtNotes.read(Path.of("/usr/lib/jvm/.../libjvm.so"));
 * notes.probes().forEach(p -> System.out.println(p.provider() + ":" + p.name()));
 * }</pre>
 */
public final class StapsdtNotes {
    /** The section of the notes, of the base marker, and of the semaphores. */
    public static final String NOTE_SECTION = ".note.stapsdt";

    public static final String BASE_SECTION = ".stapsdt.base";
    private static final int SHT_NOTE = 7;
    private static final int NT_STAPSDT = 3;
    private static final byte[] OWNER = "stapsdt".getBytes(StandardCharsets.US_ASCII);
    private static final int PF_X = 1;

    /**
     * One probe call site.
     *
     * @param provider the provider ("hotspot", "libc", ...)
     * @param name the probe's name within the provider
     * @param arguments the argument specs, space-separated ({@code -4@%edi 8@-16(%rbp)}), "" for none
     * @param address the NOP's virtual address, adjusted for prelink
     * @param fileOffset where that NOP lies in the file: what a uprobe attaches to
     * @param semaphoreAddress the semaphore's virtual address (adjusted), if the probe has one
     * @param semaphoreOffset the semaphore's file offset: a uprobe's {@code ref_ctr_offset}
     * @param noteOffset where the note lies in the file (for messages)
     */
    public record Probe(
            String provider,
            String name,
            String arguments,
            long address,
            long fileOffset,
            OptionalLong semaphoreAddress,
            OptionalLong semaphoreOffset,
            long noteOffset) {}

    private final String file;
    private final int elfType;
    private final List<ElfBinary.Segment> segments;
    private final List<Probe> probes;

    private StapsdtNotes(String file, int elfType, List<ElfBinary.Segment> segments, List<Probe> probes) {
        this.file = file;
        this.elfType = elfType;
        this.segments = segments;
        this.probes = probes;
    }

    /**
     * Reads the notes of the file at {@code path}: only the headers and the two small sections.
     *
     * @throws ObjectFormatException when the file is not a well-formed ELF64 little-endian
     *         executable or shared library, or cannot be read
     */
    public static StapsdtNotes read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return parse(ElfSource.of(path.toString(), ch));
        } catch (IOException e) {
            throw new ObjectFormatException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads the notes from the bytes of a file; {@code file} names it in messages. */
    public static StapsdtNotes read(String file, byte[] bytes) {
        return parse(ElfSource.of(file, bytes));
    }

    /** The file name used in messages. */
    public String file() {
        return file;
    }

    /** e_type: {@link ElfBinary#ET_EXEC} or {@link ElfBinary#ET_DYN}. */
    public int elfType() {
        return elfType;
    }

    /** The program headers, for turning file offsets back into addresses of a running process. */
    public List<ElfBinary.Segment> segments() {
        return segments;
    }

    /** Every probe call site in note order (empty when the file has no {@code .note.stapsdt}). */
    public List<Probe> probes() {
        return probes;
    }

    private static StapsdtNotes parse(ElfSource src) {
        ElfReader r = ElfReader.open(
                src,
                "USDT probes are read from 64-bit binaries only",
                "USDT probes are read from little-endian binaries only");
        int type = r.header().type();
        if (type != ElfBinary.ET_EXEC && type != ElfBinary.ET_DYN) {
            throw src.error(
                    "ELF type " + type + " is neither an executable (2) nor a shared object (3); "
                            + "USDT probes live in linked binaries",
                    0x10);
        }
        List<ElfBinary.Segment> segments = List.copyOf(r.segments());
        ElfReader.SectionHeader notes = null;
        long base = 0;
        for (ElfReader.SectionHeader s : r.sections()) {
            if (s.index() == 0) {
                continue;
            }
            String name = r.name(s);
            if (name.equals(NOTE_SECTION) && notes == null) {
                notes = s;
            } else if (name.equals(BASE_SECTION)) {
                base = src.read(s.at() + 0x10, 8, "sh_addr of " + BASE_SECTION).getLong(0);
            }
        }
        if (notes == null) {
            return new StapsdtNotes(src.file(), type, segments, List.of());
        }
        if (notes.type() != SHT_NOTE) {
            throw src.error(NOTE_SECTION + " has section type " + notes.type() + ", not SHT_NOTE (7)", notes.at() + 4);
        }
        byte[] bytes = r.contents(notes, "section " + NOTE_SECTION);
        List<Probe> probes = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < bytes.length) {
            long fileAt = notes.offset() + at;
            if (bytes.length - at < 12) {
                throw src.error(
                        NOTE_SECTION + ": " + (bytes.length - at) + " bytes left, too few for a note header", fileAt);
            }
            long nameSize = Integer.toUnsignedLong(b.getInt(at));
            long descSize = Integer.toUnsignedLong(b.getInt(at + 4));
            int noteType = b.getInt(at + 8);
            long namePadded = align4(nameSize);
            long descPadded = align4(descSize);
            if (12 + namePadded + descPadded > bytes.length - at) {
                throw src.error(
                        NOTE_SECTION + ": note with a " + nameSize + "-byte name and a " + descSize
                                + "-byte description runs past the section's end (" + (bytes.length - at)
                                + " bytes left)",
                        fileAt);
            }
            int nameAt = at + 12;
            int descAt = (int) (nameAt + namePadded);
            // Other owners' notes may share the section; only SystemTap's are probes.
            if (noteType == NT_STAPSDT && isOwner(bytes, nameAt, (int) nameSize)) {
                probes.add(probe(src, segments, bytes, b, descAt, (int) descSize, base, fileAt));
            }
            at = (int) (descAt + descPadded);
        }
        return new StapsdtNotes(src.file(), type, segments, List.copyOf(probes));
    }

    private static Probe probe(
            ElfSource src,
            List<ElfBinary.Segment> segments,
            byte[] bytes,
            ByteBuffer b,
            int at,
            int size,
            long base,
            long fileAt) {
        if (size < 8 * 3 + 3) {
            throw src.error(
                    NOTE_SECTION + ": stapsdt note description of " + size
                            + " bytes is too short for three addresses and three strings",
                    fileAt);
        }
        long location = b.getLong(at);
        long noteBase = b.getLong(at + 8);
        long semaphore = b.getLong(at + 16);
        int end = at + size;
        int providerAt = at + 24;
        int nameAt = stringEnd(bytes, providerAt, end) + 1;
        if (nameAt <= 0 || nameAt >= end) {
            throw src.error(NOTE_SECTION + ": stapsdt note's provider is not NUL-terminated", fileAt);
        }
        int argsAt = stringEnd(bytes, nameAt, end) + 1;
        if (argsAt <= 0 || argsAt >= end || argsAt == nameAt + 1) {
            throw src.error(NOTE_SECTION + ": stapsdt note's name is empty or not NUL-terminated", fileAt);
        }
        int argsEnd = stringEnd(bytes, argsAt, end);
        if (argsEnd < 0) {
            throw src.error(NOTE_SECTION + ": stapsdt note's argument string is not NUL-terminated", fileAt);
        }
        String provider = new String(bytes, providerAt, nameAt - 1 - providerAt, StandardCharsets.UTF_8);
        String name = new String(bytes, nameAt, argsAt - 1 - nameAt, StandardCharsets.UTF_8);
        String args = new String(bytes, argsAt, argsEnd - argsAt, StandardCharsets.UTF_8);
        if (args.startsWith(":")) {
            args = ""; // libbpf reads a leading ':' (an old SystemTap form) as "no arguments"
        }
        String what = provider + ":" + name;
        // The prelink correction: how far .stapsdt.base moved since the note was written.
        long shift = base != 0 && noteBase != 0 ? base - noteBase : 0;
        long address = location + shift;
        ElfBinary.Segment text = segmentOf(segments, address);
        if (text == null) {
            throw src.error(
                    "probe " + what + " at 0x" + Long.toHexString(address) + " lies in no PT_LOAD segment", fileAt);
        }
        if ((text.flags() & PF_X) == 0) {
            throw src.error(
                    "probe " + what + " at 0x" + Long.toHexString(address)
                            + " lies in a segment that is not executable",
                    fileAt);
        }
        OptionalLong semAddress = OptionalLong.empty();
        OptionalLong semOffset = OptionalLong.empty();
        if (semaphore != 0) {
            long s = semaphore + shift;
            ElfBinary.Segment data = segmentOf(segments, s);
            if (data == null) {
                throw src.error(
                        "semaphore of probe " + what + " at 0x" + Long.toHexString(s) + " lies in no PT_LOAD segment",
                        fileAt);
            }
            if ((data.flags() & PF_X) != 0) {
                throw src.error(
                        "semaphore of probe " + what + " at 0x" + Long.toHexString(s)
                                + " lies in an executable segment",
                        fileAt);
            }
            semAddress = OptionalLong.of(s);
            semOffset = OptionalLong.of(s - data.vaddr() + data.offset());
        }
        return new Probe(
                provider, name, args, address, address - text.vaddr() + text.offset(), semAddress, semOffset, fileAt);
    }

    /** The PT_LOAD segment whose memory image holds {@code address}, as libbpf matches [vaddr, vaddr + memsz). */
    private static ElfBinary.Segment segmentOf(List<ElfBinary.Segment> segments, long address) {
        for (ElfBinary.Segment s : segments) {
            if (s.type() == ElfBinary.PT_LOAD
                    && Long.compareUnsigned(address, s.vaddr()) >= 0
                    && Long.compareUnsigned(address - s.vaddr(), s.memSize()) < 0) {
                return s;
            }
        }
        return null;
    }

    private static boolean isOwner(byte[] bytes, int at, int size) {
        // The name is "stapsdt" with its NUL: 8 bytes.
        if (size != OWNER.length + 1 || bytes[at + OWNER.length] != 0) {
            return false;
        }
        for (int i = 0; i < OWNER.length; i++) {
            if (bytes[at + i] != OWNER[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index of the NUL ending the string at {@code from}, or -1 when none comes before {@code end}. */
    private static int stringEnd(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
