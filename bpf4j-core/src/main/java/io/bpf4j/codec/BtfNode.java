package io.bpf4j.codec;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfException;
import io.bpf4j.btf.Type;
import io.bpf4j.btf.TypeRef;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One BTF type compiled for reading and writing values: the tree {@link BtfCodec} walks. Built
 * once per codec from the resolved types (typedefs and modifiers skipped), every offset and size
 * checked against the enclosing type, so decoding never reads outside a value's bytes.
 */
sealed interface BtfNode {
    ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED;
    ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;
    ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED;
    int MAX_DEPTH = 64;
    /** Elements of zero-size types an array may claim (their list is allocated, not their bytes). */
    long MAX_EMPTY_ELEMENTS = 1 << 16;

    /** Size in bytes. */
    int size();

    /** The C spelling, for messages. */
    String cName();

    Object decode(MemorySegment s, long off);

    /** Writes the whole value; aggregates zero their bytes first (padding, unnamed members). */
    void encode(Object v, MemorySegment s, long off, String path);

    /** Writes only what {@code v} names; for scalars the same as encode. */
    default void patch(Object v, MemorySegment s, long off, String path) {
        encode(v, s, off, path);
    }

    /** bpftool's JSON of the value at {@code off}. */
    void json(StringBuilder sb, MemorySegment s, long off);

    // ---- building ------------------------------------------------------------------------------

    static BtfNode build(Btf btf, int id) {
        return new Builder(btf).node(id, 0);
    }

    final class Builder {
        private final Btf btf;
        private final Map<Integer, BtfNode> done = new HashMap<>();

        Builder(Btf btf) {
            this.btf = btf;
        }

        BtfNode node(int id, int depth) {
            if (depth > MAX_DEPTH) {
                throw new BtfException("type [" + id + "] nests deeper than " + MAX_DEPTH
                        + " levels: a reference cycle or hostile BTF");
            }
            int r = btf.resolve(id);
            BtfNode known = done.get(r);
            if (known != null) {
                return known;
            }
            Type t = btf.type(r);
            BtfNode n =
                    switch (t) {
                        case Type.Int i -> {
                            if (i.size() != 1 && i.size() != 2 && i.size() != 4 && i.size() != 8 && i.size() != 16) {
                                throw new BtfException("type [" + r + "] " + btf.describe(r) + ": integers of "
                                        + i.size() + " bytes are not supported");
                            }
                            yield new IntNode(i.name(), i.size(), i.signed(), i.isBool());
                        }
                        case Type.Ptr p -> new PtrNode(btf.cName(r));
                        case Type.Float f -> {
                            if (f.size() != 4 && f.size() != 8) {
                                throw new BtfException("type [" + r + "] " + f.name() + ": floats of " + f.size()
                                        + " bytes are not supported");
                            }
                            yield new FloatNode(f.name(), f.size());
                        }
                        case Type.Enum e -> new EnumNode(btf.cName(r), e.size(), e.signed(), e.values());
                        case Type.Enum64 e -> new EnumNode(btf.cName(r), e.size(), e.signed(), e.values());
                        case Type.Array a -> array(r, a, depth);
                        case Type.Struct st -> struct(r, st.size(), st.members(), false, depth);
                        case Type.Union u -> struct(r, u.size(), u.members(), true, depth);
                        case Type.Var v -> node(v.typeId(), depth + 1);
                        case Type.DataSec d -> dataSec(r, d, depth);
                        default ->
                            throw new BtfException("type [" + r + "] " + btf.describe(r)
                                    + " has no value layout (void, forward declaration, function)");
                    };
            done.put(r, n);
            return n;
        }

        private BtfNode array(int id, Type.Array a, int depth) {
            BtfNode elem = node(a.elementId(), depth + 1);
            long count = Integer.toUnsignedLong(a.length());
            long size = count * elem.size();
            if (size > Integer.MAX_VALUE) {
                throw new BtfException(
                        "type [" + id + "] " + btf.cName(id) + " is " + size + " bytes, larger than 2 GiB");
            }
            if (elem.size() == 0 && count > MAX_EMPTY_ELEMENTS) {
                throw new BtfException("type [" + id + "] " + btf.cName(id) + ": " + count
                        + " elements of an empty type (at most " + MAX_EMPTY_ELEMENTS + ")");
            }
            Type et = btf.type(btf.resolve(a.elementId()));
            boolean chars = et instanceof Type.Int i
                    && i.size() == 1
                    && (i.isChar() || i.name().equals("char"));
            return new ArrayNode(btf.cName(id), elem, (int) count, chars);
        }

        private BtfNode struct(int id, int rawSize, List<Type.Member> ms, boolean union, int depth) {
            String name = btf.cName(id);
            long size = Integer.toUnsignedLong(rawSize);
            if (size > Integer.MAX_VALUE) {
                throw new BtfException("type [" + id + "] " + name + " is " + size + " bytes, larger than 2 GiB");
            }
            List<Member> members = new ArrayList<>(ms.size());
            for (Type.Member m : ms) {
                BtfNode n = node(m.typeId(), depth + 1);
                long bitOff = Integer.toUnsignedLong(m.bitOffset());
                int bits = m.bitfieldSize();
                if (bits == 0 && bitOff % 8 != 0) {
                    // An int member at a bit offset (old-style bitfield encoding): its bits are the int's.
                    if (n instanceof IntNode in) {
                        bits = in.size * 8;
                    } else {
                        throw new BtfException(
                                name + " member \"" + m.name() + "\" starts at bit " + bitOff + ", not on a byte");
                    }
                }
                long end = bits == 0 ? bitOff / 8 + n.size() : (bitOff + bits + 7) / 8;
                if (end > size) {
                    throw new BtfException(name + " member \"" + m.name() + "\" ends at byte " + end + ", past the "
                            + size + "-byte " + (union ? "union" : "struct"));
                }
                if (bits != 0 && (bits > 64 || !(n instanceof IntNode || n instanceof EnumNode))) {
                    throw new BtfException(
                            name + " member \"" + m.name() + "\" is a " + bits + "-bit bitfield of " + n.cName());
                }
                if (m.name().isEmpty() && (bits != 0 || !(n instanceof StructNode))) {
                    continue; // unnamed padding: no value of its own
                }
                members.add(new Member(m.name(), bitOff / 8, (int) (bitOff % 8), bits, n));
            }
            return new StructNode(new TypeRef(btf, id), name, (int) size, union, List.copyOf(members));
        }

        private BtfNode dataSec(int id, Type.DataSec d, int depth) {
            List<Member> members = new ArrayList<>();
            long lastEnd = 0;
            List<Type.VarSecInfo> vars = new ArrayList<>(d.vars());
            vars.sort((a, b) -> Integer.compareUnsigned(a.offset(), b.offset()));
            for (Type.VarSecInfo v : vars) {
                long off = Integer.toUnsignedLong(v.offset());
                long sz = Integer.toUnsignedLong(v.size());
                if (off < lastEnd || off + sz > Integer.toUnsignedLong(d.size())) {
                    throw new BtfException("DATASEC " + d.name() + " is not laid out: variable [" + v.typeId() + "] "
                            + btf.name(v.typeId()) + " at offset " + off + " (" + sz
                            + " bytes) overlaps another or ends past the "
                            + Integer.toUnsignedLong(d.size())
                            + "-byte section; sizes and offsets are fixed up when the"
                            + " object is read/loaded: use the loaded object's BTF");
                }
                lastEnd = off + sz;
                if (!(btf.type(v.typeId()) instanceof Type.Var)) {
                    continue; // ksym FUNCs of .ksyms have no value here
                }
                BtfNode n = node(v.typeId(), depth + 1);
                if (n.size() != sz) {
                    throw new BtfException("DATASEC " + d.name() + ": variable " + btf.name(v.typeId()) + " is "
                            + n.size() + " bytes, its section entry says " + sz);
                }
                members.add(new Member(btf.name(v.typeId()), off, 0, 0, n));
            }
            return new StructNode(
                    new TypeRef(btf, id),
                    d.name(),
                    Math.toIntExact(Integer.toUnsignedLong(d.size())),
                    false,
                    List.copyOf(members));
        }
    }

    // ---- integers ------------------------------------------------------------------------------

    record IntNode(String name, int size, boolean signed, boolean bool) implements BtfNode {
        @Override
        public String cName() {
            return name;
        }

        @Override
        public Object decode(MemorySegment s, long off) {
            if (bool) {
                return s.get(B, off) != 0;
            }
            return switch (size) {
                case 1 -> signed ? (Object) s.get(B, off) : (Object) (s.get(B, off) & 0xff);
                case 2 -> signed ? (Object) s.get(S, off) : (Object) (s.get(S, off) & 0xffff);
                case 4 -> signed ? (Object) s.get(I, off) : (Object) (s.get(I, off) & 0xffff_ffffL);
                case 8 -> signed ? (Object) s.get(L, off) : (Object) U64.of(s.get(L, off));
                default -> big(s, off);
            };
        }

        /** A bitfield's bits, sign-extended when signed, as this type's Java class. */
        Object fromBits(long v, int bits) {
            if (signed && bits < 64 && (v & (1L << (bits - 1))) != 0) {
                v |= -1L << bits;
            }
            if (bool) {
                return v != 0;
            }
            return switch (size) {
                case 1 -> signed ? (Object) (byte) v : (Object) (int) v;
                case 2 -> signed ? (Object) (short) v : (Object) (int) v;
                case 4 -> signed ? (Object) (int) v : (Object) v;
                case 8 -> signed ? (Object) v : (Object) U64.of(v);
                default -> signed ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
            };
        }

        private BigInteger big(MemorySegment s, long off) {
            byte[] be = new byte[16];
            for (int k = 0; k < 16; k++) {
                be[15 - k] = s.get(B, off + k);
            }
            return signed ? new BigInteger(be) : new BigInteger(1, be);
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            if (size == 16) {
                BigInteger b = Values.big(v, path, name);
                if (b.bitLength() > (signed ? 127 : 128) || !signed && b.signum() < 0) {
                    throw new IllegalArgumentException(path + ": " + v + " is outside the range of " + name);
                }
                for (int k = 0; k < 16; k++) {
                    s.set(B, off + k, b.shiftRight(8 * k).byteValue());
                }
                return;
            }
            long x = bool && v instanceof Boolean bo ? (bo ? 1 : 0) : Values.integer(v, size * 8, signed, path, name);
            switch (size) {
                case 1 -> s.set(B, off, (byte) x);
                case 2 -> s.set(S, off, (short) x);
                case 4 -> s.set(I, off, (int) x);
                default -> s.set(L, off, x);
            }
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            if (bool) {
                sb.append(s.get(B, off) != 0);
            } else if (size == 16) {
                sb.append(big(s, off));
            } else {
                Object v = decode(s, off);
                sb.append(v);
            }
        }
    }

    record PtrNode(String cName) implements BtfNode {
        @Override
        public int size() {
            return 8;
        }

        @Override
        public Object decode(MemorySegment s, long off) {
            return s.get(L, off);
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            long x = v instanceof Long l ? l : Values.integer(v, 64, false, path, cName);
            s.set(L, off, x);
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            sb.append(Long.toUnsignedString(s.get(L, off)));
        }
    }

    record FloatNode(String cName, int size) implements BtfNode {
        @Override
        public Object decode(MemorySegment s, long off) {
            return size == 4
                    ? (Object) s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off)
                    : (Object) s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, off);
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException(path + ": " + Values.what(v) + " for a " + cName);
            }
            if (size == 4) {
                s.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, n.floatValue());
            } else {
                s.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, off, n.doubleValue());
            }
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            double d = ((Number) decode(s, off)).doubleValue();
            if (Double.isFinite(d)) {
                sb.append(decode(s, off));
            } else {
                Json.quote(sb, Double.toString(d));
            }
        }
    }

    // ---- enums ---------------------------------------------------------------------------------

    record EnumNode(String cName, int size, boolean signed, List<Type.Enumerator> values) implements BtfNode {
        long raw(MemorySegment s, long off) {
            return switch (size) {
                case 1 -> signed ? s.get(B, off) : s.get(B, off) & 0xffL;
                case 2 -> signed ? s.get(S, off) : s.get(S, off) & 0xffffL;
                case 4 -> signed ? s.get(I, off) : s.get(I, off) & 0xffff_ffffL;
                default -> s.get(L, off);
            };
        }

        EnumValue of(long v) {
            for (Type.Enumerator e : values) {
                if (e.value() == v) {
                    return new EnumValue(e.name(), v);
                }
            }
            return new EnumValue("", v);
        }

        @Override
        public Object decode(MemorySegment s, long off) {
            return of(raw(s, off));
        }

        long valueOf(Object v, int bits, String path) {
            if (v instanceof EnumValue ev) {
                v = ev.name().isEmpty() ? ev.value() : ev.name();
            }
            if (v instanceof String name && !name.startsWith("0x")) {
                for (Type.Enumerator e : values) {
                    if (e.name().equals(name)) {
                        return e.value();
                    }
                }
                throw new IllegalArgumentException(path + ": " + cName + " has no enumerator \"" + name + "\"; it has "
                        + values.stream().map(Type.Enumerator::name).toList());
            }
            if (!signed && v instanceof Long l && l < 0 && bits == 64) {
                return l; // unsigned enum64 values come back as their bits
            }
            return Values.integer(v, bits, signed, path, cName);
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            long x = valueOf(v, size * 8, path);
            switch (size) {
                case 1 -> s.set(B, off, (byte) x);
                case 2 -> s.set(S, off, (short) x);
                case 4 -> s.set(I, off, (int) x);
                default -> s.set(L, off, x);
            }
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            EnumValue e = of(raw(s, off));
            if (!e.name().isEmpty()) {
                Json.quote(sb, e.name());
            } else {
                sb.append(signed ? Long.toString(e.value()) : Long.toUnsignedString(e.value()));
            }
        }
    }

    // ---- arrays --------------------------------------------------------------------------------

    record ArrayNode(String cName, BtfNode elem, int count, boolean chars) implements BtfNode {
        @Override
        public int size() {
            return count * elem.size();
        }

        @Override
        public Object decode(MemorySegment s, long off) {
            if (chars) {
                int n = 0;
                while (n < count && s.get(B, off + n) != 0) {
                    n++;
                }
                byte[] b = new byte[n];
                MemorySegment.copy(s, B, off, b, 0, n);
                return new String(b, StandardCharsets.UTF_8);
            }
            Object[] out = new Object[count];
            int step = elem.size();
            for (int k = 0; k < count; k++) {
                out[k] = elem.decode(s, off + (long) k * step);
            }
            return Collections.unmodifiableList(java.util.Arrays.asList(out));
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            write(v, s, off, path, false);
        }

        @Override
        public void patch(Object v, MemorySegment s, long off, String path) {
            write(v, s, off, path, true);
        }

        private void write(Object v, MemorySegment s, long off, String path, boolean patch) {
            if (chars && v instanceof String str) {
                byte[] b = str.getBytes(StandardCharsets.UTF_8);
                if (b.length >= count) {
                    throw new IllegalArgumentException(path + ": string of " + b.length + " bytes does not fit " + cName
                            + " with its NUL: \"" + str + "\"");
                }
                MemorySegment.copy(b, 0, s, B, off, b.length);
                s.asSlice(off + b.length, count - b.length).fill((byte) 0);
                return;
            }
            List<?> list = Values.list(v, path, cName);
            if (list.size() != count) {
                throw new IllegalArgumentException(path + ": " + list.size() + " elements for " + cName);
            }
            int step = elem.size();
            for (int k = 0; k < count; k++) {
                String p = path + "[" + k + "]";
                if (patch) {
                    elem.patch(list.get(k), s, off + (long) k * step, p);
                } else {
                    elem.encode(list.get(k), s, off + (long) k * step, p);
                }
            }
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            if (chars && printable(s, off)) {
                Json.quote(sb, (String) decode(s, off));
                return;
            }
            sb.append('[');
            int step = elem.size();
            for (int k = 0; k < count; k++) {
                if (k > 0) {
                    sb.append(',');
                }
                elem.json(sb, s, off + (long) k * step);
            }
            sb.append(']');
        }

        /** bpftool prints a char array as a string when it is printable ASCII up to a NUL. */
        private boolean printable(MemorySegment s, long off) {
            for (int k = 0; k < count; k++) {
                byte c = s.get(B, off + k);
                if (c == 0) {
                    return true;
                }
                if (c <= 0x1f || c >= 0x7f) {
                    return false;
                }
            }
            return false;
        }
    }

    // ---- structs, unions, sections -------------------------------------------------------------

    /** A member at {@code byteOffset}; a bitfield of {@code bits} bits starts {@code bitShift} bits into that byte. */
    record Member(String name, long byteOffset, int bitShift, int bits, BtfNode node) {
        long rawBits(MemorySegment s, long base) {
            long raw = 0;
            int bytes = (bitShift + bits + 7) / 8;
            long hi = 0;
            for (int k = 0; k < bytes; k++) {
                long b = s.get(B, base + byteOffset + k) & 0xffL;
                if (k < 8) {
                    raw |= b << (8 * k);
                } else {
                    hi = b;
                }
            }
            long v = raw >>> bitShift;
            if (bytes > 8) {
                v |= hi << (64 - bitShift);
            }
            return bits == 64 ? v : v & ((1L << bits) - 1);
        }

        void writeBits(long v, MemorySegment s, long base) {
            for (int k = 0; k < bits; k++) {
                int bit = bitShift + k;
                long at = base + byteOffset + bit / 8;
                byte old = s.get(B, at);
                int mask = 1 << (bit % 8);
                s.set(B, at, (byte) (((v >>> k) & 1) != 0 ? old | mask : old & ~mask));
            }
        }

        Object decode(MemorySegment s, long base) {
            if (bits == 0) {
                return node.decode(s, base + byteOffset);
            }
            long v = rawBits(s, base);
            if (node instanceof EnumNode e) {
                if (e.signed && bits < 64 && (v & (1L << (bits - 1))) != 0) {
                    v |= -1L << bits;
                }
                return e.of(v);
            }
            return ((IntNode) node).fromBits(v, bits);
        }

        void encode(Object v, MemorySegment s, long base, String path, boolean patch) {
            if (bits == 0) {
                if (patch) {
                    node.patch(v, s, base + byteOffset, path);
                } else {
                    node.encode(v, s, base + byteOffset, path);
                }
                return;
            }
            long x;
            if (node instanceof EnumNode e) {
                x = e.valueOf(v, bits, path);
            } else {
                IntNode in = (IntNode) node;
                x = in.bool && v instanceof Boolean b
                        ? (b ? 1 : 0)
                        : Values.integer(v, bits, in.signed, path, in.name + ":" + bits);
            }
            writeBits(x, s, base);
        }
    }

    record StructNode(TypeRef type, String cName, int size, boolean union, List<Member> members) implements BtfNode {
        @Override
        public Object decode(MemorySegment s, long off) {
            String[] names = new String[members.size()];
            Object[] values = new Object[members.size()];
            for (int k = 0; k < names.length; k++) {
                Member m = members.get(k);
                names[k] = m.name;
                values[k] = m.decode(s, off);
            }
            return new StructValue(this, names, values);
        }

        @Override
        public void encode(Object v, MemorySegment s, long off, String path) {
            s.asSlice(off, size).fill((byte) 0);
            write(v, s, off, path, false);
        }

        @Override
        public void patch(Object v, MemorySegment s, long off, String path) {
            write(v, s, off, path, true);
        }

        private void write(Object v, MemorySegment s, long off, String path, boolean patch) {
            Map<String, ?> given = Values.members(v, path, cName);
            for (Map.Entry<String, ?> e : given.entrySet()) {
                String name = e.getKey();
                if (name.isEmpty()) {
                    // bpftool's "" key of an anonymous member: its members, each found where it lives
                    write(e.getValue(), s, off, path, patch);
                    continue;
                }
                Located at = locate(name, off);
                if (at == null) {
                    throw new IllegalArgumentException(
                            path + ": " + cName + " has no member \"" + name + "\"; it has " + memberNames());
                }
                at.member.encode(e.getValue(), s, at.base, path + "." + name, patch);
            }
        }

        /** A member by name, looking into anonymous members as C does; null when there is none. */
        Located locate(String name, long base) {
            for (Member m : members) {
                if (m.name.equals(name)) {
                    return new Located(m, base);
                }
            }
            for (Member m : members) {
                if (m.name.isEmpty() && m.node instanceof StructNode inner) {
                    Located l = inner.locate(name, base + m.byteOffset);
                    if (l != null) {
                        return l;
                    }
                }
            }
            return null;
        }

        List<String> memberNames() {
            List<String> out = new ArrayList<>();
            for (Member m : members) {
                if (m.name.isEmpty() && m.node instanceof StructNode inner) {
                    out.addAll(inner.memberNames());
                } else {
                    out.add(m.name);
                }
            }
            return out;
        }

        @Override
        public void json(StringBuilder sb, MemorySegment s, long off) {
            sb.append('{');
            for (int k = 0; k < members.size(); k++) {
                Member m = members.get(k);
                if (k > 0) {
                    sb.append(',');
                }
                Json.quote(sb, m.name);
                sb.append(':');
                if (m.bits == 0) {
                    m.node.json(sb, s, off + m.byteOffset);
                } else {
                    // bpftool prints bitfields as the hex of their bits
                    sb.append("\"0x")
                            .append(Long.toHexString(m.rawBits(s, off)))
                            .append('"');
                }
            }
            sb.append('}');
        }
    }

    record Located(Member member, long base) {}

    /** Conversions of the Java values a caller may give. */
    final class Values {
        private Values() {}

        static String what(Object v) {
            return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
        }

        static BigInteger big(Object v, String path, String type) {
            return switch (v) {
                case U64 u -> u.bigIntegerValue();
                case BigInteger b -> b;
                case Long l -> BigInteger.valueOf(l);
                case Integer i -> BigInteger.valueOf(i);
                case Short sh -> BigInteger.valueOf(sh);
                case Byte b -> BigInteger.valueOf(b);
                case EnumValue e -> BigInteger.valueOf(e.value());
                case Boolean b -> b ? BigInteger.ONE : BigInteger.ZERO;
                case String str -> {
                    try {
                        yield str.startsWith("0x") || str.startsWith("0X")
                                ? new BigInteger(str.substring(2), 16)
                                : new BigInteger(str);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(path + ": \"" + str + "\" is not a number for a " + type);
                    }
                }
                case Double d when d == Math.rint(d) && !d.isInfinite() -> new java.math.BigDecimal(d).toBigInteger();
                case null, default -> throw new IllegalArgumentException(path + ": " + what(v) + " for a " + type);
            };
        }

        /** {@code v} as the bits of a {@code bits}-wide integer, range-checked. */
        static long integer(Object v, int bits, boolean signed, String path, String type) {
            if (v instanceof String str && (str.startsWith("0x") || str.startsWith("0X"))) {
                // bpftool's bitfields: the hex of the raw bits, whatever the signedness
                BigInteger b = big(v, path, type);
                if (b.signum() < 0 || b.bitLength() > bits) {
                    throw new IllegalArgumentException(
                            path + ": " + str + " has more than the " + bits + " bits of " + type);
                }
                return b.longValue();
            }
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                long x = ((Number) v).longValue();
                if (bits == 64) {
                    if (!signed && x < 0) {
                        throw new IllegalArgumentException(path + ": " + x + " is negative for the unsigned " + type
                                + "; give values at or above 2^63 as U64 or BigInteger");
                    }
                    return x;
                }
                long min = signed ? -(1L << (bits - 1)) : 0;
                long max = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
                if (x < min || x > max) {
                    throw new IllegalArgumentException(
                            path + ": " + x + " is outside the range of " + type + " (" + min + ".." + max + ")");
                }
                return x;
            }
            if (v instanceof U64 u && !signed && bits == 64) {
                return u.longValue();
            }
            BigInteger b = big(v, path, type);
            BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
            BigInteger max = signed
                    ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                    : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
            if (b.compareTo(min) < 0 || b.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        path + ": " + v + " is outside the range of " + type + " (" + min + ".." + max + ")");
            }
            return b.longValue();
        }

        static List<?> list(Object v, String path, String type) {
            if (v instanceof List<?> l) {
                return l;
            }
            if (v != null && v.getClass().isArray()) {
                int n = Array.getLength(v);
                List<Object> out = new ArrayList<>(n);
                boolean bytes = v instanceof byte[];
                for (int k = 0; k < n; k++) {
                    Object e = Array.get(v, k);
                    out.add(bytes ? (Object) ((Byte) e & 0xff) : e);
                }
                return out;
            }
            throw new IllegalArgumentException(path + ": " + what(v) + " for " + type + " (give a List or an array)");
        }

        @SuppressWarnings("unchecked")
        static Map<String, ?> members(Object v, String path, String type) {
            if (v instanceof StructValue sv) {
                return sv.members();
            }
            if (v instanceof Map<?, ?> m) {
                for (Object k : m.keySet()) {
                    if (!(k instanceof String)) {
                        throw new IllegalArgumentException(path + ": member names must be strings, got " + what(k));
                    }
                }
                return (Map<String, ?>) m;
            }
            throw new IllegalArgumentException(
                    path + ": " + what(v) + " for " + type + " (give a StructValue or a Map of member names)");
        }
    }
}
