package io.bpf4j.codegen;

import java.util.Locale;
import java.util.Set;

/** C names to Java names: camelCase members, PascalCase types, keywords and digits escaped. */
final class JavaNames {
    private static final Set<String> KEYWORDS = Set.of(
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "const",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "goto",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "short",
            "static",
            "strictfp",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "void",
            "volatile",
            "while",
            "true",
            "false",
            "null",
            "_",
            "var",
            "yield",
            "record",
            "sealed",
            "permits",
            "non-sealed");

    private JavaNames() {}

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || KEYWORDS.contains(s) || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code prev_pid} → {@code prevPid}; {@code __u8 _pad} → {@code pad}; keywords get a trailing underscore. */
    static String member(String c) {
        String s = camel(c, false);
        return safe(s.isEmpty() ? "value" : s);
    }

    /** {@code task_info} → {@code TaskInfo}. */
    static String type(String c) {
        String s = camel(c, true);
        return safe(s.isEmpty() ? "Anon" : s);
    }

    /** {@code TASK_RUNNING} stays; {@code running} → {@code RUNNING}. */
    static String constant(String c) {
        String s = c.replaceAll("[^A-Za-z0-9_$]", "_").toUpperCase(Locale.ROOT);
        return safe(s.isEmpty() ? "VALUE" : s);
    }

    /** {@code execsnoop.bpf.o} → {@code Execsnoop}; {@code tcp-rtt.bpf.o} → {@code TcpRtt}. */
    static String skeleton(String fileName) {
        String base = fileName;
        int slash = base.lastIndexOf('/');
        if (slash >= 0) {
            base = base.substring(slash + 1);
        }
        int dot = base.indexOf('.');
        if (dot >= 0) {
            base = base.substring(0, dot);
        }
        return type(base);
    }

    private static String camel(String c, boolean upperFirst) {
        StringBuilder out = new StringBuilder();
        boolean up = upperFirst;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '_' || ch == '-' || ch == '.' || !Character.isJavaIdentifierPart(ch)) {
                up = out.length() > 0 || upperFirst;
                continue;
            }
            if (out.length() == 0) {
                out.append(upperFirst ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
                up = false;
            } else {
                out.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return out.toString();
    }

    private static String safe(String s) {
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
            s = "_" + s;
        }
        return KEYWORDS.contains(s) ? s + "_" : s;
    }
}
