package io.bpf4j.cli;

import java.util.Collection;
import java.util.Map;

/**
 * Compact JSON text of maps (insertion order kept), collections, strings, numbers, booleans,
 * null and {@link Raw} (text already in JSON, such as a BTF value from the codec), in the
 * spacing bpftool's {@code -j} uses (none).
 */
final class Json {
    /** JSON text to put in as it is. */
    record Raw(String json) {}

    private Json() {}

    static String of(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Raw r -> sb.append(r.json());
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    write(sb, o);
                }
                sb.append(']');
            }
            default -> quote(sb, v.toString());
        }
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** bpftool's hex array of bytes: {@code ["0x01","0x00"]}. */
    static java.util.List<String> hexBytes(byte[] b) {
        java.util.List<String> out = new java.util.ArrayList<>(b.length);
        for (byte x : b) {
            out.add(String.format("0x%02x", x & 0xff));
        }
        return out;
    }

    /** {@code compact} JSON indented by two spaces per level. */
    static String pretty(String compact) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        boolean str = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (str) {
                sb.append(c);
                if (c == '\\') {
                    sb.append(compact.charAt(++i));
                } else if (c == '"') {
                    str = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    str = true;
                    sb.append(c);
                }
                case '{', '[' -> {
                    char close = c == '{' ? '}' : ']';
                    if (i + 1 < compact.length() && compact.charAt(i + 1) == close) {
                        sb.append(c).append(close);
                        i++;
                    } else {
                        sb.append(c).append('\n').append("  ".repeat(++depth));
                    }
                }
                case '}', ']' -> sb.append('\n').append("  ".repeat(--depth)).append(c);
                case ',' -> sb.append(",\n").append("  ".repeat(depth));
                case ':' -> sb.append(": ");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
