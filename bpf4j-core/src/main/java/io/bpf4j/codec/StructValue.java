package io.bpf4j.codec;

import io.bpf4j.btf.TypeRef;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An immutable value of a BTF struct, union or data section, decoded by {@link BtfCodec}: its
 * members by name, each as the Java value of its C type (see {@link BtfCodec} for the mapping).
 * Members of anonymous structs and unions are reached by their own names, as in C; a path
 * reaches into nested members and arrays: {@code get("key.saddr")}, {@code get("pairs[1].port")}.
 *
 * <pre>{@code
 * StructValue e = (StructValue) codec.decode(record, 0);
 * int pid = e.getInt("pid");
 * String comm = e.getString("comm");
 * StructValue changed = e.with("pid", 1);      // a copy; encode it back with the codec
 * System.out.println(e.toJson());              // as bpftool -j prints it
 * }</pre>
 */
public final class StructValue {
    private final BtfNode.StructNode node;
    private final String[] names;
    private final Object[] values;

    StructValue(BtfNode.StructNode node, String[] names, Object[] values) {
        this.node = node;
        this.names = names;
        this.values = values;
    }

    /** The BTF type this is a value of. */
    public TypeRef type() {
        return node.type();
    }

    /** The type's C name, e.g. {@code struct event}. */
    public String typeName() {
        return node.cName();
    }

    /**
     * The members in declaration order, each anonymous struct or union as one entry named "" whose
     * value is its own {@code StructValue} (as bpftool prints it).
     */
    public Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            if (names[k].isEmpty()) {
                // several anonymous members: their members side by side, like C sees them
                Object prev = m.get("");
                if (prev instanceof Map<?, ?> p) {
                    Map<String, Object> merged = new LinkedHashMap<>();
                    p.forEach((a, b) -> merged.put((String) a, b));
                    merged.putAll(((StructValue) values[k]).members());
                    m.put("", Collections.unmodifiableMap(merged));
                    continue;
                }
                m.put("", prev == null && values[k] instanceof StructValue sv ? sv.members() : values[k]);
            } else {
                m.put(names[k], values[k]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The member names, those of anonymous members in their place (what {@link #get} accepts). */
    public List<String> names() {
        return node.memberNames();
    }

    /**
     * The value at {@code path}: member names separated by dots, array elements by {@code [i]}.
     *
     * @throws NoSuchElementException naming the type and its members when a name is not there
     * @throws IndexOutOfBoundsException for an index outside an array
     */
    public Object get(String path) {
        Object cur = this;
        int i = 0;
        int n = path.length();
        while (i < n) {
            char c = path.charAt(i);
            if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0 || !(cur instanceof List<?> l)) {
                    throw new NoSuchElementException("\"" + path + "\": no array at offset " + i);
                }
                int idx = Integer.parseInt(path.substring(i + 1, close));
                cur = l.get(idx);
                i = close + 1;
                if (i < n && path.charAt(i) == '.') {
                    i++;
                }
                continue;
            }
            int end = i;
            while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
                end++;
            }
            String name = path.substring(i, end);
            if (!(cur instanceof StructValue sv)) {
                throw new NoSuchElementException(
                        "\"" + path + "\": " + name + " is asked of a value that is not a struct");
            }
            cur = sv.member(name)
                    .orElseThrow(() -> new NoSuchElementException("\"" + path + "\": " + sv.typeName()
                            + " has no member \"" + name + "\"; it has " + sv.names()));
            i = end < n && path.charAt(end) == '.' ? end + 1 : end;
        }
        return cur;
    }

    /** The value at {@code path}, or empty when there is no such member. */
    public Optional<Object> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (NoSuchElementException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private Optional<Object> member(String name) {
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(name)) {
                return Optional.of(values[k]);
            }
        }
        for (int k = 0; k < names.length; k++) {
            if (names[k].isEmpty() && values[k] instanceof StructValue inner) {
                Optional<Object> o = inner.member(name);
                if (o.isPresent()) {
                    return o;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The integer at {@code path} as a long: integers and pointers (a {@link U64}'s raw bits),
     * an enum's value, a bool as 0 or 1.
     */
    public long getLong(String path) {
        Object v = get(path);
        return switch (v) {
            case Number num -> num.longValue();
            case EnumValue e -> e.value();
            case Boolean b -> b ? 1 : 0;
            default ->
                throw new ClassCastException("\"" + path + "\" is " + BtfNode.Values.what(v) + ", not an integer");
        };
    }

    /**
     * The integer at {@code path} as an int.
     *
     * @throws ArithmeticException when the value does not fit an int (a u32 above 2^31-1)
     */
    public int getInt(String path) {
        return Math.toIntExact(getLong(path));
    }

    /** The string at {@code path} (a {@code char[]}), or an enum's name. */
    public String getString(String path) {
        Object v = get(path);
        return switch (v) {
            case String s -> s;
            case EnumValue e -> e.toString();
            default -> throw new ClassCastException("\"" + path + "\" is " + BtfNode.Values.what(v) + ", not a string");
        };
    }

    /** The struct or union at {@code path}. */
    public StructValue getStruct(String path) {
        return (StructValue) get(path);
    }

    /** The array at {@code path}. */
    public List<?> getList(String path) {
        Object v = get(path);
        if (v instanceof List<?> l) {
            return l;
        }
        throw new ClassCastException("\"" + path + "\" is " + BtfNode.Values.what(v) + ", not an array");
    }

    /** The byte array at {@code path} (a {@code __u8[N]}, {@code char[N]} as its string's UTF-8...). */
    public byte[] getBytes(String path) {
        Object v = get(path);
        if (v instanceof String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        List<?> l = getList(path);
        byte[] out = new byte[l.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ((Number) l.get(k)).byteValue();
        }
        return out;
    }

    /** The enum at {@code path}. */
    public EnumValue getEnum(String path) {
        return (EnumValue) get(path);
    }

    /**
     * A copy with the value at {@code path} replaced (checked against the type when encoded). In a
     * union, the copy holds only the member set (the others share its bytes and would overwrite
     * it when encoded).
     *
     * @throws NoSuchElementException when the path names no member
     */
    public StructValue with(String path, Object value) {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(head)) {
                Object v;
                if (dot < 0) {
                    v = value;
                } else if (values[k] instanceof StructValue inner) {
                    v = inner.with(path.substring(dot + 1), value);
                } else {
                    throw new NoSuchElementException("\"" + path + "\": " + head + " is not a struct");
                }
                if (node.union()) {
                    // The other members share these bytes: keeping them would write their old
                    // values over the new one. The copy holds the member set, alone.
                    return new StructValue(node, new String[] {head}, new Object[] {v});
                }
                Object[] copy = values.clone();
                copy[k] = v;
                return new StructValue(node, names, copy);
            }
        }
        if (dot < 0
                && node.union()
                && node.members().stream().anyMatch(m -> m.name().equals(head))) {
            return new StructValue(node, new String[] {head}, new Object[] {value}); // a member set before
        }
        for (int k = 0; k < names.length; k++) {
            if (names[k].isEmpty() && values[k] instanceof StructValue inner && inner.node.locate(head, 0) != null) {
                Object[] copy = values.clone();
                copy[k] = inner.with(path, value);
                return new StructValue(node, names, copy);
            }
        }
        throw new NoSuchElementException(
                "\"" + path + "\": " + typeName() + " has no member \"" + head + "\"; it has " + names());
    }

    /** The value as bpftool's JSON prints it ({@code bpftool -j map dump}'s "formatted" part). */
    public String toJson() {
        MemorySegment s = MemorySegment.ofArray(new byte[node.size()]);
        node.encode(this, s, 0, node.cName());
        StringBuilder sb = new StringBuilder();
        node.json(sb, s, 0);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StructValue v
                && v.node.type().equals(node.type())
                && Arrays.equals(v.names, names)
                && Arrays.deepEquals(v.values, values);
    }

    @Override
    public int hashCode() {
        return node.type().hashCode() * 31 + Arrays.deepHashCode(values);
    }

    /** The C-like rendering {@code struct event{pid=1, comm="bash"}}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(names.length);
        for (int k = 0; k < names.length; k++) {
            Object v = values[k];
            String text = v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
            parts.add(names[k].isEmpty() ? text : names[k] + "=" + text);
        }
        return node.cName() + "{" + String.join(", ", parts) + "}";
    }
}
