package io.bpf4j.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link CoreTypes} read straight from raw BTF bytes (a {@code .BTF} section or
 * {@code /sys/kernel/btf/vmlinux}): an index of where each type's record starts, decoded on
 * demand. Cheap to build even for the kernel's ~130,000 types.
 *
 * <pre>{@code
 * CoreTypes vmlinux = CoreRawBtf.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
 * }</pre>
 */
public final class CoreRawBtf implements CoreTypes {
    private static final int MAGIC = 0xeB9F;

    private final ByteBuffer buf;
    private final int typeStart;
    private final int strStart;
    private final int strLen;
    private final int[] offsets;
    private volatile Map<String, List<Integer>> byName;
    private volatile Map<String, List<Integer>> byEssentialName;

    private CoreRawBtf(ByteBuffer buf, int typeStart, int strStart, int strLen, int[] offsets) {
        this.buf = buf;
        this.typeStart = typeStart;
        this.strStart = strStart;
        this.strLen = strLen;
        this.offsets = offsets;
    }

    /**
     * Indexes raw BTF.
     *
     * @throws IllegalArgumentException when the bytes are not little-endian BTF or a record runs
     *         past the type section; the message names the offset
     */
    public static CoreRawBtf parse(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < 24 || (b.getShort(0) & 0xffff) != MAGIC) {
            throw new IllegalArgumentException("not little-endian BTF (magic 0x" + Integer.toHexString(
                    raw.length < 2 ? 0 : b.getShort(0) & 0xffff) + ")");
        }
        int hdrLen = b.getInt(4);
        int typeOff = b.getInt(8);
        int typeLen = b.getInt(12);
        int strOff = b.getInt(16);
        int strLen = b.getInt(20);
        int typeStart = hdrLen + typeOff;
        int typeEnd = typeStart + typeLen;
        if (typeEnd > raw.length || hdrLen + strOff + strLen > raw.length) {
            throw new IllegalArgumentException("BTF sections run past the end (" + raw.length + " bytes)");
        }
        List<Integer> offs = new ArrayList<>();
        offs.add(-1); // id 0: void
        int at = typeStart;
        while (at < typeEnd) {
            offs.add(at);
            int info = b.getInt(at + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            at += 12 + switch (kind) {
                case INT -> 4;
                case ARRAY -> 12;
                case STRUCT, UNION -> vlen * 12;
                case ENUM -> vlen * 8;
                case FUNC_PROTO -> vlen * 8;
                case VAR -> 4;
                case DATASEC -> vlen * 12;
                case DECL_TAG -> 4;
                case ENUM64 -> vlen * 12;
                case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> 0;
                default -> throw new IllegalArgumentException("unknown BTF kind " + kind + " at byte " + at);
            };
        }
        if (at != typeEnd) {
            throw new IllegalArgumentException("BTF type section ends inside a record at byte " + at);
        }
        int[] offsets = offs.stream().mapToInt(Integer::intValue).toArray();
        return new CoreRawBtf(b, typeStart, hdrLen + strOff, strLen, offsets);
    }

    /** A string of the string section by its offset. */
    public String string(int off) {
        if (off < 0 || off >= strLen) {
            throw new IllegalArgumentException("string offset " + off + " outside the BTF string section (" + strLen + ")");
        }
        int start = strStart + off;
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - start];
        buf.get(start, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private int at(int id) {
        if (id <= 0 || id >= offsets.length) {
            throw new IllegalArgumentException("BTF type id " + id + " out of range 1.." + (offsets.length - 1));
        }
        return offsets[id];
    }

    private int info(int id) {
        return buf.getInt(at(id) + 4);
    }

    @Override
    public int typeCount() {
        return offsets.length;
    }

    @Override
    public int kind(int id) {
        return id == 0 ? VOID : (info(id) >>> 24) & 0x1f;
    }

    @Override
    public String name(int id) {
        return id == 0 ? "" : string(buf.getInt(at(id)));
    }

    @Override
    public int size(int id) {
        return buf.getInt(at(id) + 8);
    }

    @Override
    public int ref(int id) {
        return buf.getInt(at(id) + 8);
    }

    @Override
    public int arrayElement(int id) {
        return buf.getInt(at(id) + 12);
    }

    @Override
    public int arrayLength(int id) {
        return buf.getInt(at(id) + 20);
    }

    @Override
    public int vlen(int id) {
        return id == 0 ? 0 : info(id) & 0xffff;
    }

    private int recordSize(int id) {
        return switch (kind(id)) {
            case STRUCT, UNION, ENUM64, DATASEC -> 12;
            default -> 8;
        };
    }

    private int member(int id, int i) {
        if (i < 0 || i >= vlen(id)) {
            throw new IllegalArgumentException("member " + i + " of type [" + id + "] out of range");
        }
        return at(id) + 12 + i * recordSize(id);
    }

    @Override
    public String memberName(int id, int i) {
        return string(buf.getInt(member(id, i)));
    }

    @Override
    public int memberType(int id, int i) {
        // A DATASEC entry is (type, offset, size); members and parameters are (name, type, ...).
        return kind(id) == DATASEC ? buf.getInt(member(id, i)) : buf.getInt(member(id, i) + 4);
    }

    @Override
    public int memberBitOffset(int id, int i) {
        int off = buf.getInt(member(id, i) + 8);
        return kindFlag(id) ? off & 0xffffff : off;
    }

    @Override
    public int memberBitfieldSize(int id, int i) {
        return kindFlag(id) ? buf.getInt(member(id, i) + 8) >>> 24 : 0;
    }

    private boolean kindFlag(int id) {
        return (info(id) >>> 31) != 0;
    }

    @Override
    public long enumValue(int id, int i) {
        int m = member(id, i);
        if (kind(id) == ENUM64) {
            return (buf.getInt(m + 4) & 0xffff_ffffL) | ((long) buf.getInt(m + 8) << 32);
        }
        int v = buf.getInt(m + 4);
        return enumSigned(id) ? v : v & 0xffff_ffffL;
    }

    @Override
    public boolean enumSigned(int id) {
        return kindFlag(id);
    }

    @Override
    public boolean intSigned(int id) {
        return (buf.getInt(at(id) + 12) >>> 24 & 1) != 0;
    }

    @Override
    public int intBitOffset(int id) {
        return (buf.getInt(at(id) + 12) >>> 16) & 0xff;
    }

    @Override
    public List<Integer> idsNamed(String name) {
        return names(false).getOrDefault(name, List.of());
    }

    @Override
    public List<Integer> idsWithEssentialName(String essentialName) {
        return names(true).getOrDefault(essentialName, List.of());
    }

    private Map<String, List<Integer>> names(boolean essential) {
        Map<String, List<Integer>> m = essential ? byEssentialName : byName;
        if (m == null) {
            m = new HashMap<>();
            for (int id = 1; id < offsets.length; id++) {
                int nameOff = buf.getInt(offsets[id]);
                if (nameOff == 0) {
                    continue;
                }
                String n = string(nameOff);
                m.computeIfAbsent(essential ? CoreTypes.essentialName(n) : n, k -> new ArrayList<>(1)).add(id);
            }
            if (essential) {
                byEssentialName = m;
            } else {
                byName = m;
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "CoreRawBtf[" + (offsets.length - 1) + " types, type section at " + typeStart + "]";
    }
}
