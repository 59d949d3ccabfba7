package io.bpf4j.btf;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Renders raw bytes of a BTF type as JSON text: structs and unions as objects (anonymous members
 * flattened into their parent), char arrays as strings, enums by enumerator name, bitfields as
 * numbers, arrays as arrays, pointers as unsigned numbers. Stateless and thread-safe.
 *
 * <pre>{@code
 * String json = new ValuePrinter(btf).toJson(valueTypeId, map.lookup(key).orElseThrow());
 * }</pre>
 */
public final class ValuePrinter {
    private static final int MAX_DEPTH = 64;
    private final Btf btf;

    /** A printer for values of {@code btf}'s types. */
    public ValuePrinter(Btf btf) {
        this.btf = btf;
    }

    /**
     * The JSON text of {@code bytes} read as type {@code typeId}.
     *
     * @throws BtfException when {@code bytes} is shorter than the type, or the type has no size
     */
    public String toJson(int typeId, byte[] bytes) {
        long size = btf.sizeof(typeId);
        if (bytes.length < size) {
            throw new BtfException("value of " + btf.cName(typeId) + " needs " + size + " bytes, got " + bytes.length);
        }
        StringBuilder sb = new StringBuilder();
        value(sb, typeId, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), 0, 0);
        return sb.toString();
    }

    private void value(StringBuilder sb, int id, ByteBuffer b, int off, int depth) {
        if (depth > MAX_DEPTH) {
            throw new BtfException("type [" + id + "] nests deeper than " + MAX_DEPTH + " levels");
        }
        Type t = btf.type(btf.resolve(id));
        switch (t) {
            case Type.Int i -> integer(sb, i, b, off);
            case Type.Ptr p -> sb.append(Long.toUnsignedString(b.getLong(off)));
            case Type.Float f ->
                sb.append(
                        f.size() == 4
                                ? Double.toString(b.getFloat(off))
                                : f.size() == 8
                                        ? Double.toString(b.getDouble(off))
                                        : "\"<" + f.size() + "-byte float>\"");
            case Type.Enum e ->
                enumerator(sb, e.values(), e.signed() ? signedAt(b, off, e.size()) : unsignedAt(b, off, e.size()));
            case Type.Enum64 e -> enumerator(sb, e.values(), b.getLong(off));
            case Type.Array a -> array(sb, a, b, off, depth);
            case Type.Struct s -> {
                sb.append('{');
                members(sb, s.members(), b, off, depth, true);
                sb.append('}');
            }
            case Type.Union u -> {
                sb.append('{');
                members(sb, u.members(), b, off, depth, true);
                sb.append('}');
            }
            case Type.Var v -> value(sb, v.typeId(), b, off, depth + 1);
            case Type.DataSec d -> {
                checkLaidOut(d);
                sb.append('{');
                boolean first = true;
                for (Type.VarSecInfo v : d.vars()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, btf.type(v.typeId()).name());
                    sb.append(':');
                    value(sb, v.typeId(), b, off + v.offset(), depth + 1);
                }
                sb.append('}');
            }
            default -> throw new BtfException("cannot print a value of type [" + id + "] " + btf.describe(id));
        }
    }

    /**
     * A DATASEC read from a {@code .o} has every offset (and often its size) 0 until the loader
     * fixes them up: printing it would show every variable at offset 0. Refuse instead.
     */
    private void checkLaidOut(Type.DataSec d) {
        long end = 0;
        java.util.List<Type.VarSecInfo> vars = new java.util.ArrayList<>(d.vars());
        vars.sort((a, b) -> Integer.compareUnsigned(a.offset(), b.offset()));
        for (Type.VarSecInfo v : vars) {
            long off = Integer.toUnsignedLong(v.offset());
            if (off < end || off + Integer.toUnsignedLong(v.size()) > Integer.toUnsignedLong(d.size())) {
                throw new BtfException("DATASEC " + d.name() + " is not laid out: " + btf.name(v.typeId())
                        + " at offset "
                        + off + " overlaps another variable or ends past the " + Integer.toUnsignedLong(d.size())
                        + "-byte section (offsets are fixed up at load): print with the loaded map's BTF");
            }
            end = off + Integer.toUnsignedLong(v.size());
        }
    }

    /** Returns whether it printed anything (for commas across flattened anonymous members). */
    private boolean members(StringBuilder sb, List<Type.Member> ms, ByteBuffer b, int off, int depth, boolean first) {
        for (Type.Member m : ms) {
            int at = off + m.bitOffset() / 8;
            if (m.name().isEmpty() && m.bitfieldSize() == 0) {
                Type inner = btf.type(btf.resolve(m.typeId()));
                if (inner instanceof Type.Struct s) {
                    first = members(sb, s.members(), b, at, depth + 1, first);
                    continue;
                } else if (inner instanceof Type.Union u) {
                    first = members(sb, u.members(), b, at, depth + 1, first);
                    continue;
                }
            }
            if (m.name().isEmpty()) {
                continue; // unnamed padding bitfield
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, m.name());
            sb.append(':');
            if (m.bitfieldSize() != 0) {
                bitfield(sb, m, b, off);
            } else {
                value(sb, m.typeId(), b, at, depth + 1);
            }
        }
        return first;
    }

    private void bitfield(StringBuilder sb, Type.Member m, ByteBuffer b, int off) {
        int bits = m.bitfieldSize();
        int start = off + m.bitOffset() / 8;
        int shift = m.bitOffset() % 8;
        long raw = 0;
        for (int i = 0; i < (shift + bits + 7) / 8; i++) {
            raw |= (long) (b.get(start + i) & 0xff) << (8 * i);
        }
        long v = (raw >>> shift) & (bits == 64 ? -1L : (1L << bits) - 1);
        Type t = btf.type(btf.resolve(m.typeId()));
        boolean signed = t instanceof Type.Int i && i.signed() || t instanceof Type.Enum e && e.signed();
        if (signed && bits < 64 && (v & (1L << (bits - 1))) != 0) {
            v |= -1L << bits;
        }
        if (t instanceof Type.Enum e) {
            enumerator(sb, e.values(), v);
        } else if (t instanceof Type.Int i && i.isBool()) {
            sb.append(v != 0);
        } else {
            sb.append(signed ? Long.toString(v) : Long.toUnsignedString(v));
        }
    }

    private void integer(StringBuilder sb, Type.Int i, ByteBuffer b, int off) {
        if (i.isBool()) {
            sb.append(b.get(off) != 0);
        } else if (i.size() == 16) {
            byte[] be = new byte[16];
            for (int k = 0; k < 16; k++) {
                be[15 - k] = b.get(off + k);
            }
            BigInteger v = i.signed() ? new BigInteger(be) : new BigInteger(1, be);
            sb.append(v);
        } else if (i.signed()) {
            sb.append(signedAt(b, off, i.size()));
        } else {
            sb.append(Long.toUnsignedString(unsignedAt(b, off, i.size())));
        }
    }

    private static long signedAt(ByteBuffer b, int off, int size) {
        return switch (size) {
            case 1 -> b.get(off);
            case 2 -> b.getShort(off);
            case 4 -> b.getInt(off);
            default -> b.getLong(off);
        };
    }

    private static long unsignedAt(ByteBuffer b, int off, int size) {
        return switch (size) {
            case 1 -> b.get(off) & 0xffL;
            case 2 -> b.getShort(off) & 0xffffL;
            case 4 -> b.getInt(off) & 0xffff_ffffL;
            default -> b.getLong(off);
        };
    }

    private void enumerator(StringBuilder sb, List<Type.Enumerator> values, long v) {
        for (Type.Enumerator e : values) {
            if (e.value() == v) {
                string(sb, e.name());
                return;
            }
        }
        sb.append(v);
    }

    private void array(StringBuilder sb, Type.Array a, ByteBuffer b, int off, int depth) {
        Type elem = btf.type(btf.resolve(a.elementId()));
        long n = Integer.toUnsignedLong(a.length());
        if (elem instanceof Type.Int i
                && i.size() == 1
                && (i.isChar() || i.name().contains("char"))) {
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n && b.get(off + k) != 0; k++) {
                s.append((char) (b.get(off + k) & 0xff));
            }
            string(sb, s.toString());
            return;
        }
        long step = btf.sizeof(a.elementId());
        // Elements of size 0 (empty structs) cost no bytes: the text, not the input, must bound the loop.
        long limit = (1L << 20) + 64L * b.capacity();
        sb.append('[');
        for (long k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(',');
            }
            if (sb.length() > limit) {
                throw new BtfException("the JSON of a " + b.capacity() + "-byte value would exceed " + limit
                        + " characters: array type [" + btf.resolve(a.elementId()) + "] claims " + n
                        + " elements of " + step + " bytes (hostile or corrupt BTF)");
            }
            value(sb, a.elementId(), b, Math.toIntExact(off + k * step), depth + 1);
        }
        sb.append(']');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
