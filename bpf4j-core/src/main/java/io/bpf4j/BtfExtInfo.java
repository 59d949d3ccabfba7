package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreRelocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of a {@code .BTF.ext} section: func_info, line_info and CO-RE relocations, per code
 * section. Instruction offsets are turned from bytes into 8-byte slots. Every length and count is
 * checked against the section, so a corrupt section gives an {@link ObjectFormatException} with
 * its offset.
 */
final class BtfExtInfo {
    /** A func_info (fields: type id) or line_info (fields: file, line, line_col) record. */
    record Record(String section, int slot, int[] fields) {
    }

    private BtfExtInfo() {
    }

    /** func_info ({@code which} 0) or line_info ({@code which} 1) records. */
    static List<Record> records(String file, byte[] ext, Btf btf, int which) {
        Cursor c = new Cursor(file, ext);
        int hdrLen = c.u32(4);
        int off = c.u32(8 + which * 8);
        int len = c.u32(12 + which * 8);
        List<Record> out = new ArrayList<>();
        if (len == 0) {
            return out;
        }
        long at = (long) hdrLen + off;
        long end = at + len;
        c.range(at, len, which == 0 ? "func_info" : "line_info");
        int recSize = c.u32(at);
        int minSize = which == 0 ? 8 : 16;
        if (recSize < minSize || recSize % 4 != 0 || recSize > 256) {
            throw c.error("record size " + recSize + " of " + (which == 0 ? "func_info" : "line_info"), at);
        }
        at += 4;
        while (at < end) {
            String sec = c.string(btf, c.u32(at), at);
            long n = Integer.toUnsignedLong(c.u32(at + 4));
            at += 8;
            if (n * recSize > end - at) {
                throw c.error(n + " records of " + recSize + " bytes for section " + sec + " overrun .BTF.ext", at - 4);
            }
            for (long i = 0; i < n; i++, at += recSize) {
                int[] fields = new int[recSize / 4 - 1];
                for (int f = 0; f < fields.length; f++) {
                    fields[f] = c.u32(at + 4 + 4L * f);
                }
                out.add(new Record(sec, c.u32(at) / 8, fields));
            }
        }
        return out;
    }

    /** CO-RE relocation records by section name. */
    static Map<String, List<CoreRelocation>> coreRelocations(String file, byte[] ext, Btf btf) {
        Cursor c = new Cursor(file, ext);
        int hdrLen = c.u32(4);
        Map<String, List<CoreRelocation>> out = new LinkedHashMap<>();
        if (hdrLen < 32) {
            return out;
        }
        int coreOff = c.u32(24);
        int coreLen = c.u32(28);
        if (coreLen == 0) {
            return out;
        }
        long at = (long) hdrLen + coreOff;
        long end = at + coreLen;
        c.range(at, coreLen, "CO-RE relocations");
        int recSize = c.u32(at);
        if (recSize < 16 || recSize % 4 != 0 || recSize > 256) {
            throw c.error("CO-RE relocation record size " + recSize, at);
        }
        at += 4;
        while (at < end) {
            String sec = c.string(btf, c.u32(at), at);
            long n = Integer.toUnsignedLong(c.u32(at + 4));
            at += 8;
            if (n * recSize > end - at) {
                throw c.error(n + " CO-RE records for section " + sec + " overrun .BTF.ext", at - 4);
            }
            List<CoreRelocation> list = out.computeIfAbsent(sec, k -> new ArrayList<>());
            for (long i = 0; i < n; i++, at += recSize) {
                int kind = c.u32(at + 12);
                CoreRelocation.Kind k;
                try {
                    k = CoreRelocation.Kind.of(kind);
                } catch (RuntimeException e) {
                    throw c.error("unknown CO-RE relocation kind " + kind, at + 12);
                }
                list.add(new CoreRelocation(c.u32(at) / 8, c.u32(at + 4), c.string(btf, c.u32(at + 8), at + 8), k));
            }
        }
        return out;
    }

    private static final class Cursor {
        private final String file;
        private final ByteBuffer b;

        Cursor(String file, byte[] ext) {
            this.file = file;
            this.b = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        }

        ObjectFormatException error(String what, long at) {
            return new ObjectFormatException(file + ": section .BTF.ext: " + what + " (at offset " + at + ")");
        }

        void range(long at, long len, String what) {
            if (at < 0 || len < 0 || at + len > b.capacity()) {
                throw error(what + " spans bytes " + at + ".." + (at + len) + " of a " + b.capacity() + "-byte section", at);
            }
        }

        int u32(long at) {
            range(at, 4, "a 32-bit field");
            return b.getInt((int) at);
        }

        String string(Btf btf, int off, long at) {
            try {
                return btf.string(off);
            } catch (RuntimeException e) {
                throw error("string offset " + off + " outside the BTF string table", at);
            }
        }
    }
}
