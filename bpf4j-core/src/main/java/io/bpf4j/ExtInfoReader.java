package io.bpf4j;

import io.bpf4j.btf.CoreRawBtf;
import io.bpf4j.btf.CoreRelocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: func_info, line_info and CO-RE relocation records grouped by code
 * section. Every header field and record count is checked against the section's length, so a
 * corrupt section fails naming the offset instead of reading garbage or looping.
 */
final class ExtInfoReader {
    /** Header fields: magic, version, flags, hdr_len, then (off, len) of func_info, line_info, core_relo. */
    private static final int MAGIC = 0xeB9F;

    private final String source;
    private final byte[] raw;
    private final CoreRawBtf btf;
    private final int hdrLen;

    /** One record: its code section, the instruction slot, and its fields after insn_off. */
    record Record(String section, int slot, int[] fields) {
    }

    ExtInfoReader(String source, byte[] raw, CoreRawBtf btf) {
        this.source = source;
        this.raw = raw;
        this.btf = btf;
        if (raw.length < 24 || u16(0) != MAGIC) {
            throw fail(0, "not a .BTF.ext header");
        }
        this.hdrLen = u32(4);
        if (hdrLen < 24 || hdrLen > raw.length) {
            throw fail(4, "header length " + hdrLen + " outside 24.." + raw.length);
        }
    }

    private ObjectFormatException fail(long offset, String what) {
        return new ObjectFormatException(source + ": section .BTF.ext at offset " + offset + ": " + what);
    }

    private int u16(int o) {
        return (raw[o] & 0xff) | (raw[o + 1] & 0xff) << 8;
    }

    private int u32(long o) {
        if (o < 0 || o > raw.length - 4) {
            throw fail(o, "read past the end of the section (" + raw.length + " bytes)");
        }
        int i = (int) o;
        return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8 | (raw[i + 2] & 0xff) << 16 | (raw[i + 3] & 0xff) << 24;
    }

    /** The [start, end) byte range of sub-section {@code which} (0 func, 1 line, 2 CO-RE), or null when absent. */
    private long[] range(int which) {
        int field = 8 + which * 8;
        if (field + 8 > hdrLen) {
            return null;
        }
        long off = Integer.toUnsignedLong(u32(field));
        long len = Integer.toUnsignedLong(u32(field + 4));
        if (len == 0) {
            return null;
        }
        long start = hdrLen + off;
        if (start + len > raw.length) {
            throw fail(field, "sub-section at " + start + " of " + len + " bytes runs past the end (" + raw.length + ")");
        }
        return new long[] {start, start + len};
    }

    /**
     * The func_info ({@code which} 0) or line_info (1) records.
     *
     * @param minFields the fields each record must have after insn_off
     */
    List<Record> records(int which, int minFields) {
        List<Record> out = new ArrayList<>();
        long[] r = range(which);
        if (r == null) {
            return out;
        }
        long at = r[0];
        int recSize = u32(at);
        if (recSize < 4 + 4 * minFields || recSize % 4 != 0) {
            throw fail(at, "record size " + recSize + " too small (needs " + (4 + 4 * minFields) + ")");
        }
        at += 4;
        while (at < r[1]) {
            String sec = btf.string(u32(at));
            long n = Integer.toUnsignedLong(u32(at + 4));
            at += 8;
            if (n * recSize > r[1] - at) {
                throw fail(at, n + " records of " + recSize + " bytes for section " + sec + " run past the sub-section");
            }
            for (long i = 0; i < n; i++, at += recSize) {
                int[] fields = new int[recSize / 4 - 1];
                for (int f = 0; f < fields.length; f++) {
                    fields[f] = u32(at + 4 + 4L * f);
                }
                out.add(new Record(sec, u32(at) / 8, fields));
            }
        }
        return out;
    }

    /** The CO-RE relocation records by code section. */
    Map<String, List<CoreRelocation>> coreRelocations() {
        Map<String, List<CoreRelocation>> out = new LinkedHashMap<>();
        for (Record r : records(2, 3)) {
            out.computeIfAbsent(r.section(), k -> new ArrayList<>()).add(new CoreRelocation(r.slot(), r.fields()[0],
                    btf.string(r.fields()[1]), CoreRelocation.Kind.of(r.fields()[2])));
        }
        return out;
    }
}
