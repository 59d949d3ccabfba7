package io.bpf4j.btf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Checks a {@code .BTF} blob and indexes where each type record starts, in one pass over the
 * type section and without decoding anything: the {@link Btf} it makes decodes records only when
 * asked. Everything a later decode relies on is checked here — the header and section bounds,
 * every record inside the type section, known kinds, every name offset inside the string
 * section, every referenced type id in range, INT sizes and linkages — so decoding never meets
 * a bad offset.
 *
 * <p>libbpf's {@code btf__parse} does the same indexing pass (sizes by kind and vlen); its newer
 * versions validate names and ids the same way ({@code btf_validate_type}). Like libbpf, parsing
 * does not look for reference cycles (a typedef of a const of itself): every walk along a chain
 * ({@link Btf#resolve}, {@link Btf#sizeof}, the C writer, CO-RE) is bounded and names the cycle
 * when it meets one, so a hostile blob costs its user an exception, never a hang.
 */
final class BtfReader {
    private static final int BTF_MAGIC_SWAPPED = 0x9FEB;
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] raw;
    private final Btf base;

    BtfReader(byte[] raw, Btf base) {
        this.raw = raw;
        this.base = base;
    }

    private int header(int off) {
        return (int) I32.get(raw, off);
    }

    Btf read() {
        if (raw.length < Btf.HEADER_MIN) {
            throw new BtfException("BTF blob of " + raw.length + " bytes is shorter than the 24-byte header");
        }
        int magic = (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
        if (magic == BTF_MAGIC_SWAPPED) {
            throw new BtfException("big-endian BTF (magic 0xEB9F byte-swapped at offset 0) is not supported");
        }
        if (magic != Btf.MAGIC) {
            throw new BtfException("bad BTF magic 0x" + Integer.toHexString(magic) + " at offset 0 (want 0xeb9f)");
        }
        int version = raw[2] & 0xff;
        if (version != 1) {
            throw new BtfException("unsupported BTF version " + version + " at offset 2");
        }
        long hdrLen = Integer.toUnsignedLong(header(4));
        if (hdrLen < Btf.HEADER_MIN || hdrLen > raw.length) {
            throw new BtfException(
                    "BTF header length " + hdrLen + " at offset 4 is invalid for a " + raw.length + "-byte blob");
        }
        // A longer header is fine only when its extra bytes are zero (what the kernel demands too).
        for (int i = Btf.HEADER_MIN; i < hdrLen; i++) {
            if (raw[i] != 0) {
                throw new BtfException("unknown non-zero BTF header byte at offset " + i);
            }
        }
        long typeOff = hdrLen + Integer.toUnsignedLong(header(8));
        long typeLen = Integer.toUnsignedLong(header(12));
        long strOff = hdrLen + Integer.toUnsignedLong(header(16));
        long strLen = Integer.toUnsignedLong(header(20));
        if (typeOff + typeLen > raw.length) {
            throw new BtfException("BTF type section [" + typeOff + ", " + (typeOff + typeLen) + ") runs past the end ("
                    + raw.length + " bytes)");
        }
        if (strOff + strLen > raw.length) {
            throw new BtfException("BTF string section [" + strOff + ", " + (strOff + strLen) + ") runs past the end ("
                    + raw.length + " bytes)");
        }
        if ((typeLen & 3) != 0 || (typeOff & 3) != 0) {
            throw new BtfException(
                    "BTF type section at offset " + typeOff + " of length " + typeLen + " is not 4-byte aligned");
        }
        if (typeOff < strOff + strLen && strOff < typeOff + typeLen && typeLen > 0 && strLen > 0) {
            throw new BtfException("BTF type section and string section overlap");
        }
        if (base == null && (strLen == 0 || raw[(int) strOff] != 0)) {
            throw new BtfException("BTF string section at offset " + strOff + " does not start with the empty string");
        }
        if (strLen > 0 && raw[(int) (strOff + strLen - 1)] != 0) {
            throw new BtfException("BTF string section at offset " + strOff + " is not NUL-terminated");
        }
        // Our own copy, as libbpf keeps one: the caller's array may change after parse returns.
        // One copy of the whole blob costs less than one per section (a single large allocation).
        byte[] data = Arrays.copyOf(raw, raw.length);
        return new Index(data, (int) typeOff, (int) (typeOff + typeLen), base, (int) strOff, (int) strLen).build();
    }

    /** The one pass over the type section; offsets (kept and in messages) are offsets in the blob. */
    private static final class Index {
        private final byte[] t;
        private final int typeStart;
        private final int typeEnd;
        private final int strStart;
        private final int strLen;
        private final Btf base;
        private final int firstId;
        /** One past the largest valid string offset (split BTF continues the base's offsets). */
        private final long strLimit;

        private int[] offsets;
        private int count;
        /** The largest type id referenced anywhere, compared unsigned; checked once against the final count. */
        private int maxRef;

        Index(byte[] data, int typeStart, int typeEnd, Btf base, int strStart, int strLen) {
            this.t = data;
            this.typeStart = typeStart;
            this.typeEnd = typeEnd;
            this.strStart = strStart;
            this.strLen = strLen;
            this.base = base;
            this.firstId = base == null ? 1 : base.typeCount();
            this.strLimit = (base == null ? 0L : base.stringsLength()) + strLen;
            // Records average about 35 bytes in the kernel's BTF; the array grows if a blob packs
            // them tighter (never past length / 12, the smallest record, so the file cannot size it).
            this.offsets = new int[Math.max(16, (typeEnd - typeStart) / 32)];
        }

        private int word(int off) {
            return (int) I32.get(t, off);
        }

        private void ref(int id) {
            if (Integer.compareUnsigned(id, maxRef) > 0) {
                maxRef = id;
            }
        }

        private void name(int off, int at) {
            if (Integer.toUnsignedLong(off) >= strLimit) {
                throw bad(
                        at,
                        "name offset " + Integer.toUnsignedString(off) + " is invalid: past the string section ("
                                + strLimit + " bytes)");
            }
        }

        /** {@code count} entries of {@code entrySize} bytes named {@code what} must fit; the message is built only on failure. */
        private void need(int p, int count, int entrySize, String what) {
            long n = (long) count * entrySize;
            if (p + n > typeEnd) {
                throw bad(
                        p,
                        (count == 1 ? "" : count + " ") + what + " (" + n
                                + " bytes) run past the end of the type section at offset " + typeEnd);
            }
        }

        private BtfException bad(int p, String what) {
            return new BtfException("BTF type record at offset " + p + ": " + what);
        }

        Btf build() {
            int end = typeEnd;
            int p = typeStart;
            int n = 0;
            while (p < end) {
                need(p, 1, 12, "type header");
                int nameOff = word(p);
                int info = word(p + 4);
                int sizeOrType = word(p + 8);
                int vlen = info & 0xffff;
                int kind = (info >>> 24) & 0x1f;
                int rec = p;
                if (n == offsets.length) {
                    offsets = Arrays.copyOf(offsets, Math.min((typeEnd - typeStart) / 12 + 1, n + (n >> 1) + 16));
                }
                offsets[n] = p;
                name(nameOff, rec);
                p += 12;
                switch (kind) {
                    case CoreTypes.INT -> {
                        need(p, 1, 4, "INT encoding");
                        if (sizeOrType <= 0 || sizeOrType > 16) {
                            throw bad(rec, "INT has size " + sizeOrType);
                        }
                        p += 4;
                    }
                    case CoreTypes.PTR,
                            CoreTypes.TYPEDEF,
                            CoreTypes.VOLATILE,
                            CoreTypes.CONST,
                            CoreTypes.RESTRICT,
                            CoreTypes.TYPE_TAG -> {
                        ref(sizeOrType);
                    }
                    case CoreTypes.ARRAY -> {
                        need(p, 1, 12, "ARRAY info");
                        ref(word(p));
                        ref(word(p + 4));
                        p += 12;
                    }
                    case CoreTypes.STRUCT, CoreTypes.UNION -> {
                        need(p, vlen, 12, "members");
                        for (int stop = p + vlen * 12; p < stop; p += 12) {
                            name(word(p), p);
                            ref(word(p + 4));
                        }
                    }
                    case CoreTypes.ENUM -> {
                        need(p, vlen, 8, "enumerators");
                        for (int stop = p + vlen * 8; p < stop; p += 8) {
                            name(word(p), p);
                        }
                    }
                    case CoreTypes.FWD, CoreTypes.FLOAT -> {}
                    case CoreTypes.FUNC -> {
                        if (vlen > 2) {
                            throw bad(rec, "FUNC has unknown linkage " + vlen);
                        }
                        ref(sizeOrType);
                    }
                    case CoreTypes.FUNC_PROTO -> {
                        need(p, vlen, 8, "parameters");
                        ref(sizeOrType);
                        for (int stop = p + vlen * 8; p < stop; p += 8) {
                            name(word(p), p);
                            ref(word(p + 4));
                        }
                    }
                    case CoreTypes.VAR -> {
                        need(p, 1, 4, "VAR linkage");
                        int linkage = word(p);
                        if (linkage < 0 || linkage > 2) {
                            throw bad(rec, "VAR has unknown linkage " + Integer.toUnsignedString(linkage));
                        }
                        ref(sizeOrType);
                        p += 4;
                    }
                    case CoreTypes.DATASEC -> {
                        need(p, vlen, 12, "DATASEC entries");
                        for (int stop = p + vlen * 12; p < stop; p += 12) {
                            ref(word(p));
                        }
                    }
                    case CoreTypes.DECL_TAG -> {
                        need(p, 1, 4, "DECL_TAG component index");
                        int idx = word(p);
                        if (idx < -1) {
                            throw bad(rec, "DECL_TAG has component index " + idx);
                        }
                        ref(sizeOrType);
                        p += 4;
                    }
                    case CoreTypes.ENUM64 -> {
                        need(p, vlen, 12, "enumerators");
                        for (int stop = p + vlen * 12; p < stop; p += 12) {
                            name(word(p), p);
                        }
                    }
                    default -> throw bad(rec, "unknown BTF kind " + kind);
                }
                n++;
            }
            count = n;
            int typeCount = firstId + n;
            if (Integer.compareUnsigned(maxRef, typeCount) >= 0) {
                throw danglingReference(typeCount);
            }
            return new Btf(base, firstId, t, Arrays.copyOf(offsets, n), strStart, strLen);
        }

        /** The slow path for the message: find the first record that refers past the last id. */
        private BtfException danglingReference(int typeCount) {
            Btf partial = new Btf(base, firstId, t, Arrays.copyOf(offsets, count), strStart, strLen);
            for (int i = 0; i < count; i++) {
                int id = firstId + i;
                for (int r : partial.references(id)) {
                    if (Integer.compareUnsigned(r, typeCount) >= 0) {
                        return new BtfException("type [" + id + "] " + partial.kindName(id) + " at offset "
                                + offsets[i] + " refers to type id " + Integer.toUnsignedString(r)
                                + ", past the last id " + (typeCount - 1));
                    }
                }
            }
            return new BtfException("a BTF type refers to type id " + Integer.toUnsignedString(maxRef)
                    + ", past the last id " + (typeCount - 1));
        }
    }
}
