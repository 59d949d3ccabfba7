package io.bpf4j.codegen;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the Java type of each BTF type the generated code touches, the way
 * {@link io.bpf4j.codec.RecordCodec#bind} and {@link io.bpf4j.codec.BtfCodecs} accept it, and
 * collects the records and enums to declare. A type is declared once (by its resolved BTF id),
 * named at first sight, so the same object always gives the same names in the same order.
 *
 * <p>Integers get the narrowest Java type that holds every value (an unsigned C type one size
 * up, except {@code u64}, which a {@code long} holds as its bits); {@code char[N]} is a
 * {@code String} (C strings: comm, file names), other byte arrays {@code byte[]}; structs and
 * unions are records; enums are Java enums. What the codecs cannot bind (arrays of structs,
 * multi-dimensional arrays, 128-bit integers) is an {@code Object}, decoded as
 * {@link io.bpf4j.codec.BtfCodec} does.
 */
final class JavaTypes {
    /** How a Java type is written and how the generated code hands it to bpf4j. */
    enum Kind {
        NUMBER,
        BOOLEAN,
        ENUM,
        STRING,
        ARRAY,
        RECORD,
        OBJECT
    }

    /**
     * @param source as declared ({@code int}, {@code String}, {@code Event}, {@code int[]})
     * @param boxed for generics and class literals ({@code Integer})
     * @param kind how values travel
     * @param note what a reader should know (unsigned, NUL-terminated), or ""
     */
    record JType(String source, String boxed, Kind kind, String note) {
        String classLiteral() {
            return boxed + ".class";
        }
    }

    /** One component of a generated record. */
    record Component(String name, JType type, String cName, String cType, long offset) {}

    /** A record or enum to declare. */
    sealed interface Decl permits RecordDecl, EnumDecl {
        String name();
    }

    record RecordDecl(
            String name, String cName, long size, boolean union, List<Component> components, List<String> notes)
            implements Decl {}

    record EnumDecl(String name, String cName, int size, boolean signed, List<Type.Enumerator> values)
            implements Decl {}

    private static final int MAX_DEPTH = 32;
    /** Record component names that would clash with a record's own methods. */
    private static final Set<String> OBJECT_METHODS =
            Set.of("hashCode", "toString", "getClass", "clone", "finalize", "notify", "notifyAll", "wait", "equals");

    private final Btf btf;
    private final Set<String> usedTypeNames;
    private final Map<Integer, Decl> byId = new HashMap<>();
    private final Map<String, Decl> declared = new LinkedHashMap<>();

    /** @param reserved simple names the generated file already uses (its class, imports, nested classes) */
    JavaTypes(Btf btf, Set<String> reserved) {
        this.btf = btf;
        this.usedTypeNames = new HashSet<>(reserved);
    }

    /** Every record and enum declared so far, in the order first met. */
    List<Decl> declarations() {
        return List.copyOf(declared.values());
    }

    /** The Java type for BTF type {@code typeId}; {@code hint} names it when C gives no name. */
    JType of(int typeId, String hint) {
        return of(typeId, hint, 0);
    }

    private JType of(int typeId, String hint, int depth) {
        if (depth > MAX_DEPTH) {
            return object("nests deeper than " + MAX_DEPTH + " levels");
        }
        int id = btf.resolve(typeId);
        Type t = btf.type(id);
        return switch (t) {
            case Type.Int i -> integer(i);
            case Type.Ptr p -> new JType("long", "Long", Kind.NUMBER, "a pointer (the address as the program saw it)");
            case Type.Float f when f.size() == 4 -> new JType("float", "Float", Kind.NUMBER, "");
            case Type.Float f when f.size() == 8 -> new JType("double", "Double", Kind.NUMBER, "");
            case Type.Enum e -> enumType(typeId, id, e.name(), e.size(), e.signed(), e.values(), hint);
            case Type.Enum64 e -> enumType(typeId, id, e.name(), e.size(), e.signed(), e.values(), hint);
            case Type.Array a -> array(a, hint, depth);
            case Type.Struct s -> record(typeId, id, s.name(), s.size(), false, s.members(), hint, depth);
            case Type.Union u -> record(typeId, id, u.name(), u.size(), true, u.members(), hint, depth);
            default -> object("no Java type for " + btf.cName(typeId));
        };
    }

    private static JType object(String why) {
        return new JType("Object", "Object", Kind.OBJECT, "decoded as BtfCodec does: " + why);
    }

    private static JType integer(Type.Int i) {
        if (i.isBool() || i.name().equals("_Bool") || i.name().equals("bool")) {
            return new JType("boolean", "Boolean", Kind.BOOLEAN, "");
        }
        String unsigned = i.signed() ? "" : "unsigned";
        return switch (i.size()) {
            case 1 ->
                i.signed()
                        ? new JType("byte", "Byte", Kind.NUMBER, "")
                        : new JType("short", "Short", Kind.NUMBER, unsigned);
            case 2 ->
                i.signed()
                        ? new JType("short", "Short", Kind.NUMBER, "")
                        : new JType("int", "Integer", Kind.NUMBER, unsigned);
            case 4 ->
                i.signed()
                        ? new JType("int", "Integer", Kind.NUMBER, "")
                        : new JType("long", "Long", Kind.NUMBER, unsigned);
            case 8 ->
                new JType(
                        "long",
                        "Long",
                        Kind.NUMBER,
                        i.signed() ? "" : "unsigned 64-bit: print with Long.toUnsignedString");
            default -> object(i.size() * 8 + "-bit integer");
        };
    }

    private JType array(Type.Array a, String hint, int depth) {
        Type et = btf.type(btf.resolve(a.elementId()));
        if (a.length() <= 0) {
            return object("array of " + Integer.toUnsignedString(a.length()) + " elements");
        }
        if (!(et instanceof Type.Int e)) {
            // Structs, enums, arrays: an array of the element's Java type (Point[], int[][], String[]).
            JType elem = of(a.elementId(), hint, depth + 1);
            if (elem.kind() == Kind.OBJECT) {
                return object("array of " + btf.cName(a.elementId()));
            }
            return new JType(
                    elem.source() + "[]",
                    elem.source() + "[]",
                    Kind.ARRAY,
                    a.length() + " elements" + (elem.note().isEmpty() ? "" : ", each " + elem.note()));
        }
        if (e.size() == 1 && (e.isChar() || e.name().equals("char"))) {
            return new JType(
                    "String",
                    "String",
                    Kind.STRING,
                    "a NUL-terminated string of at most " + (a.length() - 1) + " bytes");
        }
        String elem =
                switch (e.size()) {
                    case 1 -> "byte";
                    case 2 -> e.signed() ? "short" : "int";
                    case 4 -> e.signed() ? "int" : "long";
                    case 8 -> "long";
                    default -> null;
                };
        if (elem == null) {
            return object("array of " + e.size() * 8 + "-bit integers");
        }
        String note = a.length() + " elements" + (e.signed() || e.size() == 1 ? "" : ", unsigned");
        return new JType(elem + "[]", elem + "[]", Kind.ARRAY, note);
    }

    /** The name C gives the type: its own, else the typedef naming it, else empty. */
    private String cNameOf(int typeId, int resolved) {
        String own = btf.name(resolved);
        if (!own.isEmpty()) {
            return own;
        }
        int id = typeId;
        for (int i = 0; i < MAX_DEPTH && id != resolved; i++) {
            Type t = btf.type(id);
            if (t instanceof Type.Typedef td) {
                return td.name();
            }
            id = switch (t) {
                case Type.Const c -> c.targetId();
                case Type.Volatile v -> v.targetId();
                case Type.Restrict r -> r.targetId();
                case Type.TypeTag tt -> tt.targetId();
                default -> resolved;
            };
        }
        return "";
    }

    private String uniqueTypeName(String base, String kindSuffix) {
        String name = base;
        if (usedTypeNames.contains(name)) {
            name = base + kindSuffix;
        }
        for (int n = 2; usedTypeNames.contains(name); n++) {
            name = base + kindSuffix + n;
        }
        usedTypeNames.add(name);
        return name;
    }

    private JType enumType(
            int typeId, int id, String own, int size, boolean signed, List<Type.Enumerator> values, String hint) {
        Decl d = byId.get(id);
        if (d == null) {
            boolean javaNames = !values.isEmpty();
            Set<String> seen = new HashSet<>();
            for (Type.Enumerator e : values) {
                // The codec matches constants to enumerators by name: each must be a Java identifier as C spells it.
                javaNames &= JavaNames.isIdentifier(e.name()) && !e.name().equals("value") && seen.add(e.name());
            }
            if (!javaNames) {
                return integerOfSize(size, signed, "a C enum whose enumerators are not all Java names");
            }
            String cName = cNameOf(typeId, id);
            String name = uniqueTypeName(JavaNames.type(cName.isEmpty() ? hint : cName), "Enum");
            String cDisplay =
                    !own.isEmpty() ? "enum " + own : cName.isEmpty() ? "anonymous enum" : cName + " (anonymous enum)";
            d = new EnumDecl(name, cDisplay, size, signed, values);
            byId.put(id, d);
            declared.put(name, d);
        }
        return new JType(d.name(), d.name(), Kind.ENUM, "null when the C value is none of the enumerators");
    }

    private static JType integerOfSize(int size, boolean signed, String why) {
        return switch (size) {
            case 1 ->
                signed ? new JType("byte", "Byte", Kind.NUMBER, why) : new JType("short", "Short", Kind.NUMBER, why);
            case 2 ->
                signed ? new JType("short", "Short", Kind.NUMBER, why) : new JType("int", "Integer", Kind.NUMBER, why);
            case 4 ->
                signed ? new JType("int", "Integer", Kind.NUMBER, why) : new JType("long", "Long", Kind.NUMBER, why);
            default -> new JType("long", "Long", Kind.NUMBER, why);
        };
    }

    private JType record(
            int typeId,
            int id,
            String own,
            int size,
            boolean union,
            List<Type.Member> members,
            String hint,
            int depth) {
        Decl d = byId.get(id);
        if (d == null) {
            String cName = cNameOf(typeId, id);
            String kw = union ? "union" : "struct";
            String name = uniqueTypeName(JavaNames.type(cName.isEmpty() ? hint : cName), union ? "Union" : "Struct");
            String cDisplay = own.isEmpty()
                    ? (cName.isEmpty() ? "anonymous " + kw : cName + " (anonymous " + kw + ")")
                    : kw + " " + own;
            List<Component> components = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            // Declared before its members are mapped so that the order is outer type first.
            RecordDecl placeholder = new RecordDecl(name, cDisplay, size, union, components, notes);
            byId.put(id, placeholder);
            declared.put(name, placeholder);
            components(members, name, 0, new HashSet<>(), components, notes, depth);
        }
        d = byId.get(id);
        return new JType(d.name(), d.name(), Kind.RECORD, "");
    }

    /** The members of a struct as components; anonymous struct and union members are flattened, as C reads them. */
    private void components(
            List<Type.Member> members,
            String owner,
            long base,
            Set<String> used,
            List<Component> out,
            List<String> notes,
            int depth) {
        for (Type.Member m : members) {
            long offset = base + Integer.toUnsignedLong(m.bitOffset()) / 8;
            if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                notes.add("bitfield {@code " + (m.name().isEmpty() ? "(anonymous)" : m.name())
                        + "} is not a component: read it through a StructValue (BtfCodec)");
                continue;
            }
            if (m.name().isEmpty()) {
                Type inner = btf.type(btf.resolve(m.typeId()));
                if (inner instanceof Type.Struct s) {
                    components(s.members(), owner, offset, used, out, notes, depth);
                } else if (inner instanceof Type.Union u) {
                    int first = out.size();
                    components(u.members(), owner, offset, used, out, notes, depth);
                    if (out.size() - first > 1) {
                        notes.add("components "
                                + out.subList(first, out.size()).stream()
                                        .map(c -> "{@code " + c.name() + "}")
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + " are an anonymous union's"
                                + " members: they share bytes, and on write the last one wins");
                    }
                }
                continue;
            }
            String name = componentName(m.name(), used);
            if (name == null) {
                notes.add("member {@code " + m.name() + "} is not a component: its name cannot be a Java record"
                        + " component the codec matches");
                continue;
            }
            JType type = of(m.typeId(), owner + JavaNames.type(m.name()), depth + 1);
            out.add(new Component(name, type, m.name(), btf.cName(m.typeId()), offset));
        }
    }

    /**
     * A component name the binder matches to C member {@code c} ({@code prevPid} or {@code prev_pid}
     * for {@code prev_pid}): camelCase when that converts back, else the C name itself.
     */
    static String componentName(String c, Set<String> used) {
        String camel = JavaNames.member(c);
        if (!snake(camel).equals(c) && !camel.equals(c)) {
            camel = c;
        }
        if (!JavaNames.isIdentifier(camel) || OBJECT_METHODS.contains(camel) || !used.add(camel)) {
            return null;
        }
        return camel;
    }

    /** {@code srcPort} → {@code src_port}, as the record binder reads a component name. */
    static String snake(String component) {
        StringBuilder out = new StringBuilder();
        for (char ch : component.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
