package io.bpf4j.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Decodes the header, string section and type records of a {@code .BTF} blob, checking every bound. */
final class BtfReader {
    private static final int BTF_MAGIC_SWAPPED = 0x9FEB;

    private final byte[] raw;
    private final Btf base;
    private final ByteBuffer buf;
    private byte[] strings;
    private int baseStrLen;

    BtfReader(byte[] raw, Btf base) {
        this.raw = raw;
        this.base = base;
        this.buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    Btf read() {
        if (raw.length < Btf.HEADER_MIN) {
            throw new BtfException("BTF blob of " + raw.length + " bytes is shorter than the 24-byte header");
        }
        int magic = buf.getShort(0) & 0xffff;
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
        long hdrLen = u32(4);
        if (hdrLen < Btf.HEADER_MIN || hdrLen > raw.length) {
            throw new BtfException("BTF header length " + hdrLen + " at offset 4 is invalid for a " + raw.length + "-byte blob");
        }
        // A longer header is fine only when its extra bytes are zero (what the kernel demands too).
        for (int i = Btf.HEADER_MIN; i < hdrLen; i++) {
            if (raw[i] != 0) {
                throw new BtfException("unknown non-zero BTF header byte at offset " + i);
            }
        }
        long typeOff = hdrLen + u32(8);
        long typeLen = u32(12);
        long strOff = hdrLen + u32(16);
        long strLen = u32(20);
        if (typeOff + typeLen > raw.length) {
            throw new BtfException("BTF type section [" + typeOff + ", " + (typeOff + typeLen) + ") runs past the end ("
                    + raw.length + " bytes)");
        }
        if (strOff + strLen > raw.length) {
            throw new BtfException("BTF string section [" + strOff + ", " + (strOff + strLen) + ") runs past the end ("
                    + raw.length + " bytes)");
        }
        if ((typeLen & 3) != 0 || (typeOff & 3) != 0) {
            throw new BtfException("BTF type section at offset " + typeOff + " of length " + typeLen + " is not 4-byte aligned");
        }
        if (typeOff < strOff + strLen && strOff < typeOff + typeLen && typeLen > 0 && strLen > 0) {
            throw new BtfException("BTF type section and string section overlap");
        }
        strings = Arrays.copyOfRange(raw, (int) strOff, (int) (strOff + strLen));
        baseStrLen = base == null ? 0 : base.stringsLength();
        if (base == null && (strLen == 0 || strings[0] != 0)) {
            throw new BtfException("BTF string section at offset " + strOff + " does not start with the empty string");
        }
        if (strLen > 0 && strings[strings.length - 1] != 0) {
            throw new BtfException("BTF string section at offset " + strOff + " is not NUL-terminated");
        }
        Type[] types = readTypes((int) typeOff, (int) (typeOff + typeLen));
        return Btf.of(base, types, strings);
    }

    private Type[] readTypes(int start, int end) {
        // Each record is at least 12 bytes: that bounds the array before any allocation.
        List<Type> out = new ArrayList<>(Math.min((end - start) / 12 + 1, 1 << 20));
        int p = start;
        while (p < end) {
            need(p, 12, end, "type header");
            int nameOff = buf.getInt(p);
            int info = buf.getInt(p + 4);
            int sizeOrType = buf.getInt(p + 8);
            int vlen = info & 0xffff;
            int kind = (info >>> 24) & 0x1f;
            boolean kflag = info < 0;
            int recStart = p;
            p += 12;
            String name = name(nameOff, recStart);
            Type t;
            switch (kind) {
                case 1 -> {
                    need(p, 4, end, "INT encoding");
                    int enc = buf.getInt(p);
                    p += 4;
                    int e = (enc >>> 24) & 0xf;
                    t = new Type.Int(name, sizeOrType, (e & 1) != 0, (e & 2) != 0, (e & 4) != 0, (enc >>> 16) & 0xff, enc & 0xff);
                    if (sizeOrType <= 0 || sizeOrType > 16) {
                        throw bad(recStart, "INT '" + name + "' has size " + sizeOrType);
                    }
                }
                case 2 -> t = new Type.Ptr(sizeOrType);
                case 3 -> {
                    need(p, 12, end, "ARRAY info");
                    t = new Type.Array(buf.getInt(p), buf.getInt(p + 4), buf.getInt(p + 8));
                    p += 12;
                }
                case 4, 5 -> {
                    need(p, (long) vlen * 12, end, vlen + " members");
                    List<Type.Member> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        int off = buf.getInt(p + 8);
                        ms.add(new Type.Member(name(buf.getInt(p), p), buf.getInt(p + 4),
                                kflag ? off & 0xffffff : off, kflag ? off >>> 24 : 0));
                    }
                    t = kind == 4 ? new Type.Struct(name, sizeOrType, ms, kflag) : new Type.Union(name, sizeOrType, ms, kflag);
                }
                case 6 -> {
                    need(p, (long) vlen * 8, end, vlen + " enumerators");
                    List<Type.Enumerator> vs = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 8) {
                        int v = buf.getInt(p + 4);
                        vs.add(new Type.Enumerator(name(buf.getInt(p), p), kflag ? v : Integer.toUnsignedLong(v)));
                    }
                    t = new Type.Enum(name, sizeOrType, kflag, vs);
                }
                case 7 -> t = new Type.Fwd(name, kflag);
                case 8 -> t = new Type.Typedef(name, sizeOrType);
                case 9 -> t = new Type.Volatile(sizeOrType);
                case 10 -> t = new Type.Const(sizeOrType);
                case 11 -> t = new Type.Restrict(sizeOrType);
                case 12 -> {
                    if (vlen > 2) {
                        throw bad(recStart, "FUNC '" + name + "' has unknown linkage " + vlen);
                    }
                    t = new Type.Func(name, sizeOrType, Type.Linkage.values()[vlen]);
                }
                case 13 -> {
                    need(p, (long) vlen * 8, end, vlen + " parameters");
                    List<Type.Param> ps = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 8) {
                        ps.add(new Type.Param(name(buf.getInt(p), p), buf.getInt(p + 4)));
                    }
                    t = new Type.FuncProto(sizeOrType, ps);
                }
                case 14 -> {
                    need(p, 4, end, "VAR linkage");
                    int linkage = buf.getInt(p);
                    p += 4;
                    if (linkage < 0 || linkage > 2) {
                        throw bad(recStart, "VAR '" + name + "' has unknown linkage " + Integer.toUnsignedString(linkage));
                    }
                    t = new Type.Var(name, sizeOrType, Type.VarLinkage.values()[linkage]);
                }
                case 15 -> {
                    need(p, (long) vlen * 12, end, vlen + " DATASEC entries");
                    List<Type.VarSecInfo> vs = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        vs.add(new Type.VarSecInfo(buf.getInt(p), buf.getInt(p + 4), buf.getInt(p + 8)));
                    }
                    t = new Type.DataSec(name, sizeOrType, vs);
                }
                case 16 -> t = new Type.Float(name, sizeOrType);
                case 17 -> {
                    need(p, 4, end, "DECL_TAG component index");
                    int idx = buf.getInt(p);
                    p += 4;
                    if (idx < -1) {
                        throw bad(recStart, "DECL_TAG '" + name + "' has component index " + idx);
                    }
                    t = new Type.DeclTag(name, sizeOrType, idx);
                }
                case 18 -> t = new Type.TypeTag(name, sizeOrType);
                case 19 -> {
                    need(p, (long) vlen * 12, end, vlen + " enumerators");
                    List<Type.Enumerator> vs = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, p += 12) {
                        long v = Integer.toUnsignedLong(buf.getInt(p + 4)) | ((long) buf.getInt(p + 8) << 32);
                        vs.add(new Type.Enumerator(name(buf.getInt(p), p), v));
                    }
                    t = new Type.Enum64(name, sizeOrType, kflag, vs);
                }
                default -> throw bad(recStart, "unknown BTF kind " + kind);
            }
            out.add(t);
        }
        return out.toArray(Type[]::new);
    }

    /** Direct-mapped cache of decoded names by string offset: member names repeat a lot ("next", "flags"). */
    private final int[] cachedOffsets = new int[1 << 15];
    private final String[] cachedNames = new String[1 << 15];

    private String name(int off, int at) {
        if (off == 0) {
            return "";
        }
        int slot = (off ^ (off >>> 15)) & (cachedNames.length - 1);
        if (cachedOffsets[slot] == off && cachedNames[slot] != null) {
            return cachedNames[slot];
        }
        String n = decode(off, at);
        cachedOffsets[slot] = off;
        cachedNames[slot] = n;
        return n;
    }

    private String decode(int off, int at) {
        try {
            if (base != null && Integer.compareUnsigned(off, baseStrLen) < 0) {
                return base.string(off);
            }
            long local = Integer.toUnsignedLong(off) - baseStrLen;
            if (local >= strings.length) {
                throw new BtfException("past the string section");
            }
            return Btf.cString(strings, (int) local);
        } catch (BtfException e) {
            throw bad(at, "name offset " + Integer.toUnsignedString(off) + " is invalid: " + e.getMessage());
        }
    }

    private void need(int p, long n, int end, String what) {
        if (p + n > end) {
            throw bad(p, what + " (" + n + " bytes) run past the end of the type section at offset " + end);
        }
    }

    private long u32(int off) {
        return Integer.toUnsignedLong(buf.getInt(off));
    }

    private static BtfException bad(int offset, String what) {
        return new BtfException("BTF type record at offset " + offset + ": " + what);
    }
}
