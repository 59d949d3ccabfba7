package io.bpf4j.observability;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.StructValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A map key as tags: decoded through its BTF type, then flattened into one tag per leaf member
 * (nested members joined by {@code _}); a scalar key is one tag, named {@code scalarName}.
 * Values print as bpftool prints them: integers in decimal (unsigned ones never negative),
 * {@code char[]} as its string, enums by enumerator name, other arrays as their elements joined
 * by {@code .} (so a {@code __u8 addr[4]} reads 10.0.0.1).
 */
final class KeyTags {
    private final BtfCodec codec;
    private final List<String> names;
    private final String scalarName;

    KeyTags(BtfCodec codec, String scalarName) {
        this.codec = codec;
        this.scalarName = scalarName;
        List<String> n = new ArrayList<>();
        // The names come from a zero key: every key of the type flattens to the same members.
        flatten(codec.decode(MemorySegment.ofArray(new byte[codec.size()]), 0), "", n, null);
        this.names = List.copyOf(n);
    }

    /** The tag names, in the key's member order. */
    List<String> names() {
        return names;
    }

    /** The tag values of the key at {@code offset} of {@code s}, in {@link #names()} order. */
    String[] values(MemorySegment s, long offset) {
        List<String> v = new ArrayList<>(names.size());
        flatten(codec.decode(s, offset), "", null, v);
        return v.toArray(String[]::new);
    }

    private void flatten(Object value, String path, List<String> names, List<String> values) {
        if (value instanceof StructValue sv) {
            for (Map.Entry<String, Object> m : sv.members().entrySet()) {
                if (m.getKey().isEmpty() && m.getValue() instanceof Map<?, ?> anon) {
                    for (Map.Entry<?, ?> a : anon.entrySet()) {
                        flatten(a.getValue(), join(path, (String) a.getKey()), names, values);
                    }
                } else {
                    flatten(m.getValue(), join(path, m.getKey()), names, values);
                }
            }
            return;
        }
        if (names != null) {
            names.add(path.isEmpty() ? scalarName : path);
        }
        if (values != null) {
            values.add(text(value));
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "_" + name;
    }

    static String text(Object value) {
        if (value instanceof List<?> l) {
            StringBuilder sb = new StringBuilder();
            for (Object o : l) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(text(o));
            }
            return sb.toString();
        }
        return String.valueOf(value);
    }
}
