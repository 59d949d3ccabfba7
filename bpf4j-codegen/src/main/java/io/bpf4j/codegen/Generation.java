package io.bpf4j.codegen;

import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.ObjectSpec;
import io.bpf4j.ProgramSpec;
import io.bpf4j.VariableSpec;
import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import io.bpf4j.btf.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One object's generated source: the skeleton class with its records, enums, builder and data
 * section classes nested in it (nesting keeps two objects' {@code struct event} apart in one
 * package). Everything is decided from the object and the options only, iterated in file order.
 */
final class Generation {
    /** Prefix of the globals {@code BPF4J_RECORD(map, type)} declares (see bpf4j.h). */
    static final String RECORD_MARKER = "__bpf4j_record__";

    private final String file;
    private final ObjectSpec spec;
    private final GeneratorOptions options;
    private final Btf btf;
    private final String cls;
    private final Set<String> imports = new TreeSet<>();
    private final Set<String> methods = new HashSet<>(Set.of(
            "load",
            "open",
            "close",
            "object",
            "attachAll",
            "spec",
            "toString",
            "hashCode",
            "equals",
            "getClass",
            "notify",
            "notifyAll",
            "wait",
            "clone",
            "finalize"));
    private JavaTypes types;

    private record MapPlan(MapSpec spec, String accessor, String handle, String handleType, String create) {}

    private record Handle(String type, String create) {}

    /** A ring or perf buffer's reader; {@code type} (and what goes with it) is null when its records have no type. */
    private record Reader(
            MapSpec map,
            String struct,
            JavaTypes.JType type,
            String ring,
            String poll,
            String subscribe,
            String codecField) {
        boolean typed() {
            return type != null;
        }
    }

    private record Var(VariableSpec spec, String name, JavaTypes.JType type) {}

    private record Section(String name, String className, String accessor, boolean readOnly, List<Var> vars) {}

    Generation(String file, ObjectSpec spec, GeneratorOptions options) {
        this.file = file;
        this.spec = spec;
        this.options = options;
        this.btf = spec.btf()
                .orElseThrow(() -> new GeneratorException(
                        file,
                        null,
                        "the object has no BTF (no .BTF section), so its types are unknown: compile it with clang -g"));
        this.cls = options.className().orElseGet(() -> JavaNames.skeleton(fileName(file)));
    }

    private static String fileName(String file) {
        return java.nio.file.Path.of(file).getFileName().toString();
    }

    Map<String, String> sources() {
        Set<String> reserved = new HashSet<>(Set.of(
                cls,
                "Builder",
                "String",
                "Object",
                "Integer",
                "Long",
                "Short",
                "Byte",
                "Boolean",
                "Float",
                "Double",
                "Override",
                "Record",
                "Enum",
                "Math",
                "System",
                "Character",
                "BpfObject",
                "ObjectSpec",
                "BpfMap",
                "Program",
                "TypedHashMap",
                "TypedArray",
                "TypedLpmTrie",
                "TypedQueue",
                "TypedBloomFilter",
                "PerCpuMap",
                "Codec",
                "BtfCodecs",
                "RecordCodec",
                "MethodHandles",
                "Duration",
                "Consumer",
                "RingBuffer",
                "PerfBuffer",
                "Subscription",
                "DataSection",
                "AttachAll",
                "TypeRef",
                "Btf",
                "MemorySegment",
                "ValueLayout",
                "UnaryOperator",
                "Lookup",
                "Type",
                "Class",
                "Throwable",
                "RuntimeException",
                "IllegalStateException",
                "Exception",
                "Error",
                "Void",
                "Iterable",
                "AutoCloseable",
                "SuppressWarnings",
                "Deprecated",
                "FunctionalInterface",
                "SafeVarargs",
                "InputStream",
                "IOException",
                "UncheckedIOException",
                "FileNotFoundException",
                "Arrays",
                "Objects"));
        List<Section> sections = sectionsPlan(reserved);
        types = new JavaTypes(btf, reserved);
        List<MapPlan> maps = mapsPlan();
        List<Reader> readers = readersPlan();
        for (Section s : sections) {
            for (int i = 0; i < s.vars.size(); i++) {
                Var v = s.vars.get(i);
                s.vars.set(i, new Var(v.spec, v.name, types.of(v.spec.type().id(), JavaNames.type(v.spec.name()))));
            }
        }
        Map<String, String> out = new TreeMap<>();
        out.put(cls, skeleton(maps, readers, sections));
        return out;
    }

    // ---- plans: what to generate, with Java names ----

    private String method(String base, String suffix) {
        String name = base;
        if (methods.contains(name)) {
            name = base + suffix;
        }
        for (int n = 2; methods.contains(name); n++) {
            name = base + suffix + n;
        }
        methods.add(name);
        return name;
    }

    /** A global data map ({@code .data}, {@code .rodata}, {@code .bss}, {@code .kconfig}...): its value is a DATASEC. */
    private static boolean isDataSection(MapSpec m) {
        return m.name().startsWith(".")
                || m.valueType()
                        .map(t -> t.resolved().type() instanceof Type.DataSec)
                        .orElse(false);
    }

    private List<Section> sectionsPlan(Set<String> reservedTypes) {
        Map<String, List<Var>> bySection = new LinkedHashMap<>();
        for (VariableSpec v : spec.variables().values()) {
            // As libbpf's skeleton: static variables stay the object's own; the record markers are not data.
            if (v.isStatic()
                    || v.name().startsWith(RECORD_MARKER)
                    || !isCName(v.name())
                    || spec.map(v.section()).isEmpty()) {
                continue;
            }
            bySection.computeIfAbsent(v.section(), k -> new ArrayList<>()).add(new Var(v, null, null));
        }
        List<Section> out = new ArrayList<>();
        for (Map.Entry<String, List<Var>> e : bySection.entrySet()) {
            String sec = e.getKey();
            String base = JavaNames.type(sec);
            String className = base;
            for (int n = 2; reservedTypes.contains(className); n++) {
                className = base + n;
            }
            reservedTypes.add(className);
            boolean ro = e.getValue().get(0).spec.readOnly();
            Set<String> used = new HashSet<>(Set.of(
                    "section",
                    "toString",
                    "hashCode",
                    "equals",
                    "getClass",
                    "notify",
                    "notifyAll",
                    "wait",
                    "clone",
                    "finalize"));
            List<Var> vars = new ArrayList<>();
            for (Var v : e.getValue()) {
                String name = JavaNames.member(v.spec.name());
                for (int n = 2; !used.add(name); n++) {
                    name = JavaNames.member(v.spec.name()) + n;
                }
                vars.add(new Var(v.spec, name, null));
            }
            out.add(new Section(sec, className, method(JavaNames.member(sec), "Section"), ro, vars));
        }
        return out;
    }

    private static boolean isCName(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c == '_' || Character.isLetterOrDigit(c) && c < 128);
    }

    private List<MapPlan> mapsPlan() {
        List<MapPlan> out = new ArrayList<>();
        for (MapSpec m : spec.maps().values()) {
            if (isDataSection(m)) {
                continue;
            }
            String accessor = method(JavaNames.member(m.name()), "Map");
            String field = accessor;
            Optional<TypeRef> k = m.keyType();
            Optional<TypeRef> v = m.valueType();
            String hint = JavaNames.type(m.name());
            String handleType;
            String create;
            String raw = "object.map(\"" + m.name() + "\")";
            MapType t = m.type();
            boolean hasValue = v.isPresent();
            boolean hasKey = k.isPresent();
            if ((t == MapType.HASH || t == MapType.LRU_HASH) && hasKey && hasValue) {
                JavaTypes.JType kt = types.of(k.get().id(), hint + "Key");
                JavaTypes.JType vt = types.of(v.get().id(), hint + "Value");
                imports.add("io.bpf4j.TypedHashMap");
                handleType = "TypedHashMap<" + kt.boxed() + ", " + vt.boxed() + ">";
                create = "TypedHashMap.of(" + raw + ", LOOKUP, " + kt.classLiteral() + ", " + vt.classLiteral() + ")";
            } else if ((t == MapType.PERCPU_HASH || t == MapType.LRU_PERCPU_HASH || t == MapType.PERCPU_ARRAY)
                    && hasKey
                    && hasValue) {
                JavaTypes.JType kt = types.of(k.get().id(), hint + "Key");
                JavaTypes.JType vt = types.of(v.get().id(), hint + "Value");
                imports.add("io.bpf4j.PerCpuMap");
                handleType = "PerCpuMap<" + kt.boxed() + ", " + vt.boxed() + ">";
                create = "PerCpuMap.of(" + raw + ", LOOKUP, " + kt.classLiteral() + ", " + vt.classLiteral() + ")";
            } else if (t == MapType.ARRAY && hasValue && hasKey) {
                Handle h = single("TypedArray", v.get(), hint, raw);
                handleType = h.type();
                create = h.create();
            } else if (t == MapType.LPM_TRIE && hasValue && hasKey) {
                Handle h = single("TypedLpmTrie", v.get(), hint, raw);
                handleType = h.type();
                create = h.create();
            } else if ((t == MapType.QUEUE || t == MapType.STACK) && hasValue) {
                Handle h = single("TypedQueue", v.get(), hint, raw);
                handleType = h.type();
                create = h.create();
            } else if (t == MapType.BLOOM_FILTER && hasValue) {
                Handle h = single("TypedBloomFilter", v.get(), hint, raw);
                handleType = h.type();
                create = h.create();
            } else {
                imports.add("io.bpf4j.BpfMap");
                handleType = "BpfMap";
                create = raw;
            }
            out.add(new MapPlan(m, accessor, field, handleType, create));
        }
        return out;
    }

    /** A handle typed by its value alone: {@code Handle<V>} made by {@code Handle.of(raw, LOOKUP, V.class)}. */
    private Handle single(String handle, TypeRef value, String hint, String raw) {
        JavaTypes.JType vt = types.of(value.id(), hint + "Value");
        imports.add("io.bpf4j." + handle);
        return new Handle(
                handle + "<" + vt.boxed() + ">", handle + ".of(" + raw + ", LOOKUP, " + vt.classLiteral() + ")");
    }

    private List<Reader> readersPlan() {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (VariableSpec v : spec.variables().values()) {
            if (v.name().startsWith(RECORD_MARKER)) {
                String map = v.name().substring(RECORD_MARKER.length());
                Type t = btf.type(btf.resolve(v.type().id()));
                if (!(t instanceof Type.Ptr p)) {
                    throw new GeneratorException(
                            file,
                            v.type().cName(),
                            "global " + v.name() + " is not a pointer:"
                                    + " declare record types with BPF4J_RECORD(map, type) from bpf4j.h");
                }
                wanted.put(map, "#" + p.targetId());
            }
        }
        wanted.putAll(options.recordTypes());
        List<Reader> out = new ArrayList<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String mapName = e.getKey();
            MapSpec m = spec.map(mapName)
                    .orElseThrow(() -> new GeneratorException(
                            file,
                            null,
                            "a record type is"
                                    + " declared for map \"" + mapName
                                    + "\", which the object does not have; its maps are "
                                    + spec.maps().keySet()));
            if (m.type() != MapType.RINGBUF && m.type() != MapType.PERF_EVENT_ARRAY) {
                throw new GeneratorException(
                        file,
                        null,
                        "map \"" + mapName + "\" is a " + m.type() + " map; a record"
                                + " type is for RINGBUF and PERF_EVENT_ARRAY maps (its key and value types come from its BTF)");
            }
            int typeId = e.getValue().startsWith("#")
                    ? Integer.parseInt(e.getValue().substring(1))
                    : structId(mapName, e.getValue());
            int resolved = btf.resolve(typeId);
            if (!(btf.type(resolved) instanceof Type.Struct) && !(btf.type(resolved) instanceof Type.Union)) {
                throw new GeneratorException(
                        file,
                        btf.cName(typeId),
                        "map \"" + mapName + "\": record type " + btf.cName(typeId)
                                + " is not a struct or union (its BTF says " + btf.describe(resolved) + ")");
            }
            JavaTypes.JType jt = types.of(typeId, JavaNames.type(mapName) + "Record");
            String base = JavaNames.type(mapName);
            boolean ring = m.type() == MapType.RINGBUF;
            String reader = method(JavaNames.member(mapName) + (ring ? "Ring" : "Perf"), "Reader");
            out.add(new Reader(
                    m,
                    btf.cName(typeId),
                    jt,
                    reader,
                    method("poll" + base, "Records"),
                    method("subscribe" + base, "Records"),
                    JavaNames.member(mapName) + "Codec"));
        }
        // Buffers with no record type still get their reader, for raw records.
        for (MapSpec m : spec.maps().values()) {
            if ((m.type() == MapType.RINGBUF || m.type() == MapType.PERF_EVENT_ARRAY)
                    && !wanted.containsKey(m.name())) {
                boolean ring = m.type() == MapType.RINGBUF;
                out.add(new Reader(
                        m,
                        null,
                        null,
                        method(JavaNames.member(m.name()) + (ring ? "Ring" : "Perf"), "Reader"),
                        null,
                        null,
                        null));
            }
        }
        return out;
    }

    /** The BTF id of struct (or union, or typedef of one) {@code name}, as options name it ("event", "struct event"). */
    private int structId(String map, String name) {
        String n = name.strip();
        List<Class<? extends Type>> kinds = List.of(Type.Struct.class, Type.Union.class, Type.Typedef.class);
        if (n.startsWith("struct ")) {
            n = n.substring(7).strip();
            kinds = List.of(Type.Struct.class);
        } else if (n.startsWith("union ")) {
            n = n.substring(6).strip();
            kinds = List.of(Type.Union.class);
        }
        for (Class<? extends Type> k : kinds) {
            Optional<Integer> id = btf.findId(n, k);
            if (id.isPresent()) {
                return id.get();
            }
        }
        List<String> structs = new ArrayList<>();
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            if (btf.type(id) instanceof Type.Struct s && !s.name().isEmpty()) {
                structs.add(s.name());
            }
        }
        throw new GeneratorException(
                file,
                name,
                "map \"" + map + "\": record type \"" + name + "\" is not in the"
                        + " object's BTF (its structs are " + structs
                        + "). Check the name; a struct only local variables use"
                        + " is not in BTF: declare it with BPF4J_RECORD(" + map + ", struct " + n + ") from bpf4j.h");
    }

    // ---- the source ----

    private String skeleton(List<MapPlan> maps, List<Reader> readers, List<Section> sections) {
        imports.add("io.bpf4j.BpfObject");
        imports.add("io.bpf4j.ObjectSpec");
        imports.add("java.lang.invoke.MethodHandles");
        List<ProgramSpec> programs = List.copyOf(spec.programs().values());
        if (!programs.isEmpty()) {
            imports.add("io.bpf4j.Program");
            imports.add("io.bpf4j.link.AttachAll");
        }
        boolean typedReaders = readers.stream().anyMatch(Reader::typed);
        if (typedReaders) {
            imports.add("io.bpf4j.codec.Codec");
            imports.add("io.bpf4j.codec.RecordCodec");
            imports.add("java.time.Duration");
            imports.add("java.util.function.Consumer");
        }
        for (Reader r : readers) {
            imports.add(r.map.type() == MapType.RINGBUF ? "io.bpf4j.ringbuf.RingBuffer" : "io.bpf4j.perf.PerfBuffer");
        }
        if (!sections.isEmpty()) {
            imports.add("io.bpf4j.DataSection");
            imports.add("io.bpf4j.codec.Codec");
            imports.add("io.bpf4j.codec.BtfCodecs");
        }
        if (types.declarations().stream().anyMatch(d -> d instanceof JavaTypes.RecordDecl r && hasArrays(r))) {
            imports.add("java.util.Arrays");
            imports.add("java.util.Objects");
        }
        boolean encodes = sections.stream()
                .flatMap(s -> s.vars.stream())
                .anyMatch(v -> v.type.kind() == JavaTypes.Kind.RECORD || v.type.kind() == JavaTypes.Kind.ARRAY);
        if (encodes) {
            imports.add("java.lang.foreign.MemorySegment");
            imports.add("java.lang.foreign.ValueLayout");
        }
        imports.add("java.util.function.UnaryOperator");
        imports.add("java.io.FileNotFoundException");
        imports.add("java.io.IOException");
        imports.add("java.io.InputStream");
        imports.add("java.io.UncheckedIOException");

        SourceWriter w = new SourceWriter();
        w.line("// Generated by bpf4j-codegen from " + fileName(file) + ". Do not edit: regenerate.");
        if (!options.packageName().isEmpty()) {
            w.line("package " + options.packageName() + ";");
        }
        w.blank();
        for (String i : imports) {
            w.line("import " + i + ";");
        }
        w.blank();
        classDoc(w, maps, readers, programs);
        w.open("public final class " + cls + " implements AutoCloseable");
        w.doc("The class-path resource {@link #load()} and {@link #open()} read the object from.");
        w.line("public static final String RESOURCE = \"" + javaString(options.resourceName()) + "\";");
        w.blank();
        w.line("private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();");
        w.blank();
        w.line("private final BpfObject object;");
        for (MapPlan m : maps) {
            w.line("private final " + m.handleType + " " + m.handle + ";");
        }
        for (Reader r : readers) {
            if (r.typed()) {
                w.line("private final Codec<" + r.type.boxed() + "> " + r.codecField + ";");
            }
            w.line("private " + readerType(r) + " " + r.ring + "Handle;");
        }
        for (Section s : sections) {
            w.line("private final " + s.className + " " + s.accessor + ";");
        }
        w.blank();
        constructor(w, maps, readers, sections);
        factories(w);
        builder(w, sections);
        w.doc("The loaded object: every map and program by its C name.");
        w.open("public BpfObject object()");
        w.line("return object;");
        w.close();
        w.blank();
        for (MapPlan m : maps) {
            mapAccessor(w, m);
        }
        for (Reader r : readers) {
            reader(w, r);
        }
        for (Section s : sections) {
            w.doc("The globals of section {@code " + s.name + "}"
                    + (s.readOnly ? ", read-only after load." : ", read and" + " written in place."));
            w.open("public " + s.className + " " + s.accessor + "()");
            w.line("return " + s.accessor + ";");
            w.close();
            w.blank();
        }
        for (ProgramSpec p : programs) {
            String name = method(JavaNames.member(p.name()), "Program");
            w.doc("Program {@code " + p.name() + "} (section {@code " + javadoc(p.sectionName()) + "}).");
            w.open("public Program " + name + "()");
            w.line("return object.program(\"" + p.name() + "\");");
            w.close();
            w.blank();
        }
        if (!programs.isEmpty()) {
            w.doc("Attaches every program whose section names its target (as libbpf's skeleton attach); the links"
                    + " close with this skeleton.");
            w.open("public AttachAll.Result attachAll()");
            w.line("return object.attachAll();");
            w.close();
            w.blank();
        }
        w.doc("Closes the readers, links, programs and maps of the object. Idempotent.");
        w.line("@Override");
        w.open("public void close()");
        w.line("object.close();");
        w.close();
        for (Section s : sections) {
            w.blank();
            sectionClass(w, s);
        }
        declarations(w);
        if (encodes) {
            w.blank();
            w.line("private static <T> byte[] encode(ObjectSpec spec, String variable, Class<T> type, T value) {");
            w.line("    Codec<T> codec = BtfCodecs.of(LOOKUP, type, spec.variables().get(variable).type());");
            w.line("    MemorySegment bytes = MemorySegment.ofArray(new byte[codec.size()]);");
            w.line("    codec.encode(value, bytes, 0);");
            w.line("    return bytes.toArray(ValueLayout.JAVA_BYTE);");
            w.line("}");
        }
        if (typedReaders) {
            w.blank();
            w.line(
                    "private static <R extends Record> RecordCodec<R> bind(BpfObject object, Class<R> type, String cName) {");
            w.line("    var btf = object.spec().orElseThrow().btf().orElseThrow();");
            w.line("    for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {");
            w.line("        if (btf.cName(id).equals(cName)) {");
            w.line("            return RecordCodec.bind(LOOKUP, type, new io.bpf4j.btf.TypeRef(btf, id));");
            w.line("        }");
            w.line("    }");
            w.line("    throw new IllegalStateException(\"the object has no type \" + cName + \": regenerate \"");
            w.line("            + type.getEnclosingClass().getSimpleName() + \" from it\");");
            w.line("}");
        }
        w.close();
        return w.toString();
    }

    private static String readerType(Reader r) {
        return r.map.type() == MapType.RINGBUF ? "RingBuffer" : "PerfBuffer";
    }

    private void classDoc(SourceWriter w, List<MapPlan> maps, List<Reader> readers, List<ProgramSpec> programs) {
        List<String> d = new ArrayList<>();
        d.add("The BPF object {@code " + fileName(file) + "} (object name {@code " + spec.name()
                + "}), typed: its maps,");
        d.add("programs and globals, with Java records for the C types they carry. Closing it closes everything.");
        d.add("");
        d.add("<pre>{@code");
        d.add("try (" + cls + " skel = " + cls + ".load()) {");
        if (!programs.isEmpty()) {
            d.add("    skel.attachAll();");
        }
        Optional<Reader> typed = readers.stream().filter(Reader::typed).findFirst();
        if (typed.isPresent()) {
            d.add("    skel." + typed.get().poll + "(Duration.ofSeconds(1), r -> System.out.println(r));");
        } else if (!maps.isEmpty()) {
            d.add("    System.out.println(skel." + maps.get(0).accessor + "());");
        }
        d.add("}");
        d.add("}</pre>");
        w.doc(d);
    }

    private void constructor(SourceWriter w, List<MapPlan> maps, List<Reader> readers, List<Section> sections) {
        w.open("private " + cls + "(BpfObject object)");
        w.line("this.object = object;");
        w.open("try");
        for (MapPlan m : maps) {
            w.line("this." + m.handle + " = " + m.create + ";");
        }
        for (Reader r : readers) {
            if (r.typed()) {
                w.line("this." + r.codecField + " = bind(object, " + r.type.source() + ".class, \"" + r.struct
                        + "\");");
            }
        }
        for (Section s : sections) {
            w.line("this." + s.accessor + " = new " + s.className + "(DataSection.open(object, \"" + s.name + "\"));");
        }
        w.reopen("catch (RuntimeException e)");
        w.line("object.close();");
        w.line("throw e;");
        w.close();
        w.close();
        w.blank();
    }

    private void factories(SourceWriter w) {
        w.doc("Reads {@link #RESOURCE} from the class path and loads it with the constants it was compiled with.");
        w.open("public static " + cls + " load()");
        w.line("return open().load();");
        w.close();
        w.blank();
        w.doc("A builder over {@link #RESOURCE}, to set {@code .rodata} constants (and edit the spec) before load.");
        w.open("public static Builder open()");
        // Through this class, not the context class loader: in a named module the module's own resources are found.
        w.open("try (InputStream in = " + cls + ".class.getResourceAsStream(\"/\" + RESOURCE))");
        w.open("if (in == null)");
        w.line("throw new UncheckedIOException(new FileNotFoundException(\"no class-path resource \" + RESOURCE");
        w.line("        + \": package the object with the application (bpf4j-maven-plugin's compile goal does)\"));");
        w.close();
        w.line("return new Builder(ObjectSpec.read(in.readAllBytes(), RESOURCE));");
        w.reopen("catch (IOException e)");
        w.line("throw new UncheckedIOException(\"cannot read class-path resource \" + RESOURCE, e);");
        w.close();
        w.close();
        w.blank();
        w.doc("A builder over {@code spec}: the same object read from elsewhere (a file, bytes).");
        w.open("public static Builder open(ObjectSpec spec)");
        w.line("return new Builder(spec);");
        w.close();
        w.blank();
    }

    private void builder(SourceWriter w, List<Section> sections) {
        w.doc("Sets the object up before load: its {@code .rodata} constants and the initial values of its other"
                + " globals, typed, and any other spec edit.");
        w.open("public static final class Builder");
        w.line("private ObjectSpec spec;");
        w.blank();
        w.open("private Builder(ObjectSpec spec)");
        w.line("this.spec = spec;");
        w.close();
        w.blank();
        Set<String> used = new HashSet<>(Set.of("edit", "spec", "load"));
        // .rodata first (the constants), then the initial values of .data and .bss, as libbpf's skeleton allows.
        List<Section> ordered =
                new ArrayList<>(sections.stream().filter(s -> s.readOnly).toList());
        ordered.addAll(sections.stream().filter(s -> !s.readOnly).toList());
        for (Section s : ordered) {
            for (Var v : s.vars) {
                String name = v.name;
                for (int n = 2; !used.add(name); n++) {
                    name = v.name + n;
                }
                List<String> d = new ArrayList<>();
                d.add((s.readOnly ? "Sets {@code " : "Sets the initial value of {@code ")
                        + javadoc(v.spec.type().cName())
                        + " " + v.spec.name() + "} (section {@code " + s.name + "}) before load"
                        + (v.type.kind() == JavaTypes.Kind.ENUM ? "" : note(v.type)) + ".");
                w.doc(d);
                w.open("public Builder " + name + "(" + v.type.source() + " value)");
                String arg =
                        switch (v.type.kind()) {
                            case ENUM -> "value.name()";
                            case RECORD, ARRAY ->
                                "encode(spec, \"" + v.spec.name() + "\", " + v.type.classLiteral() + ", value)";
                            default -> "value";
                        };
                if (v.type.source().equals(v.type.boxed())) {
                    w.line("java.util.Objects.requireNonNull(value, \"value\");");
                }
                w.line("spec = spec.withConstant(\"" + v.spec.name() + "\", " + arg + ");");
                w.line("return this;");
                w.close();
                w.blank();
            }
        }
        w.doc(
                "Any other edit of the spec before load, e.g. {@code b.edit(s -> s.withMaxEntries(\"events\", 1 << 20))}.");
        w.open("public Builder edit(UnaryOperator<ObjectSpec> edit)");
        w.line("spec = edit.apply(spec);");
        w.line("return this;");
        w.close();
        w.blank();
        w.doc("The spec as edited so far.");
        w.open("public ObjectSpec spec()");
        w.line("return spec;");
        w.close();
        w.blank();
        w.doc("Loads the object: creates its maps, loads its programs, and binds the typed handles.");
        w.open("public " + cls + " load()");
        w.line("return new " + cls + "(spec.load());");
        w.close();
        w.close();
        w.blank();
    }

    private static String note(JavaTypes.JType t) {
        return t.note().isEmpty() ? "" : "; " + t.note();
    }

    private void mapAccessor(SourceWriter w, MapPlan m) {
        MapSpec s = m.spec;
        String types =
                s.keyType().map(k -> "key {@code " + javadoc(k.cName()) + "}, ").orElse("")
                        + s.valueType()
                                .map(v -> "value {@code " + javadoc(v.cName()) + "}, ")
                                .orElse("");
        w.doc("Map {@code " + s.name() + "}: " + s.type() + ", " + types + "max_entries " + s.maxEntries() + ".");
        w.open("public " + m.handleType + " " + m.accessor + "()");
        w.line("return " + m.handle + ";");
        w.close();
        w.blank();
    }

    private void reader(SourceWriter w, Reader r) {
        boolean ring = r.map.type() == MapType.RINGBUF;
        String rt = readerType(r);
        w.doc(
                "The reader of " + (ring ? "ring buffer" : "perf event array") + " {@code " + r.map.name()
                        + "}, opened on"
                        + " first use and closed with this skeleton"
                        + (r.typed()
                                ? "."
                                : "; its records have no declared"
                                        + " type (name one with BPF4J_RECORD or the generator's record types for typed reads)."));
        w.open("public synchronized " + rt + " " + r.ring + "()");
        w.open("if (" + r.ring + "Handle == null)");
        w.line(r.ring + "Handle = object.own("
                + (ring
                        ? "RingBuffer.open(object.map(\"" + r.map.name() + "\"))"
                        : "PerfBuffer.builder(object.map(\"" + r.map.name() + "\")).open()")
                + ");");
        w.close();
        w.line("return " + r.ring + "Handle;");
        w.close();
        w.blank();
        if (!r.typed()) {
            return;
        }
        String rec = r.type.source();
        w.doc("Waits up to {@code timeout} for records of {@code " + r.map.name() + "} ({@code " + javadoc(r.struct)
                + "}) and hands each to {@code sink}; returns how many.");
        w.open("public int " + r.poll + "(Duration timeout, Consumer<? super " + rec + "> sink)");
        w.line("return " + r.ring + "().poll(timeout, " + r.codecField + ", sink);");
        w.close();
        w.blank();
        w.doc("Hands every record of {@code " + r.map.name() + "} to {@code sink} on a reader thread until the"
                + " subscription is closed; errors go to {@code onError}.");
        String sub = ring ? "io.bpf4j.ringbuf.Subscription" : "io.bpf4j.perf.Subscription";
        w.open("public " + sub + " " + r.subscribe + "(Consumer<? super " + rec
                + "> sink, Consumer<Throwable> onError)");
        w.line("return " + r.ring + "().subscribe(" + r.codecField + ", sink, onError);");
        w.close();
        w.blank();
        w.doc("The codec of {@code " + javadoc(r.struct) + "}, bound to the object's BTF.");
        w.open("public Codec<" + r.type.boxed() + "> " + r.codecField + "()");
        w.line("return " + r.codecField + ";");
        w.close();
        w.blank();
    }

    private void sectionClass(SourceWriter w, Section s) {
        w.doc("The globals of section {@code " + s.name + "}"
                + (s.readOnly
                        ? " (frozen after load: set them with" + " {@link Builder} before)."
                        : ", read and written in the map's memory."));
        w.open("public static final class " + s.className);
        w.line("private final DataSection section;");
        for (Var v : s.vars) {
            w.line("private final Codec<" + v.type.boxed() + "> " + v.name + ";");
        }
        w.blank();
        w.open("private " + s.className + "(DataSection section)");
        w.line("this.section = section;");
        for (Var v : s.vars) {
            w.line("this." + v.name + " = BtfCodecs.of(LOOKUP, " + v.type.classLiteral() + ", section.type(\""
                    + v.spec.name() + "\"));");
        }
        w.close();
        w.blank();
        for (Var v : s.vars) {
            String c = "{@code " + javadoc(v.spec.type().cName()) + " " + v.spec.name() + "}";
            w.doc("Reads " + c + note(v.type) + ".");
            w.open("public " + v.type.source() + " " + v.name + "()");
            w.line("return section.read(\"" + v.spec.name() + "\", " + v.name + ");");
            w.close();
            w.blank();
            if (!s.readOnly) {
                w.doc("Writes " + c + ".");
                w.open("public void " + v.name + "(" + v.type.source() + " value)");
                w.line("section.write(\"" + v.spec.name() + "\", " + v.name + ", value);");
                w.close();
                w.blank();
            }
        }
        w.doc("The untyped section: every variable by C name.");
        w.open("public DataSection section()");
        w.line("return section;");
        w.close();
        w.close();
    }

    private void declarations(SourceWriter w) {
        for (JavaTypes.Decl d : types.declarations()) {
            w.blank();
            switch (d) {
                case JavaTypes.RecordDecl r -> record(w, r);
                case JavaTypes.EnumDecl e -> enumeration(w, e);
            }
        }
    }

    private static void record(SourceWriter w, JavaTypes.RecordDecl r) {
        List<String> doc = new ArrayList<>();
        doc.add("C: {@code " + javadoc(r.cName()) + "} (" + r.size() + " bytes)"
                + (r.union() ? "; its components share the same bytes (on write, the last one wins)." : "."));
        for (String n : r.notes()) {
            doc.add("Its " + n + ".");
        }
        if (!r.components().isEmpty()) {
            doc.add("");
        }
        for (JavaTypes.Component c : r.components()) {
            doc.add("@param " + c.name() + " C: {@code " + javadoc(c.cType()) + " " + c.cName() + "} at offset "
                    + c.offset() + note(c.type()));
        }
        w.doc(doc);
        StringBuilder sig = new StringBuilder("public record " + r.name() + "(");
        for (int i = 0; i < r.components().size(); i++) {
            JavaTypes.Component c = r.components().get(i);
            sig.append(i == 0 ? "" : ", ").append(c.type().source()).append(' ').append(c.name());
        }
        sig.append(")");
        if (sig.length() > 100 && r.components().size() > 1) {
            w.line("public record " + r.name() + "(");
            for (int i = 0; i < r.components().size(); i++) {
                JavaTypes.Component c = r.components().get(i);
                w.line("        " + c.type().source() + " " + c.name()
                        + (i + 1 < r.components().size() ? "," : ") {"));
            }
        } else {
            w.line(sig + " {");
        }
        w.indent();
        if (hasArrays(r)) {
            arrayAwareMethods(w, r);
        }
        w.close();
    }

    static boolean hasArrays(JavaTypes.RecordDecl r) {
        return r.components().stream().anyMatch(c -> c.type().source().endsWith("[]"));
    }

    /**
     * equals, hashCode and toString by array contents: a record's own compare arrays by identity,
     * which breaks records as map keys and prints {@code [B@1b6d3586}.
     */
    private static void arrayAwareMethods(SourceWriter w, JavaTypes.RecordDecl r) {
        List<String> eq = new ArrayList<>();
        List<String> hash = new ArrayList<>();
        List<String> str = new ArrayList<>();
        for (JavaTypes.Component c : r.components()) {
            String n = c.name();
            String src = c.type().source();
            boolean array = src.endsWith("[]");
            boolean flat = array && src.indexOf('[') == src.length() - 2 && Character.isLowerCase(src.charAt(0));
            if (array) {
                String f = flat ? "Arrays." : "Arrays.deep";
                eq.add((flat ? "Arrays.equals(" : "Arrays.deepEquals(") + n + ", other." + n + ")");
                hash.add(f + (flat ? "hashCode(" : "HashCode(") + n + ")");
                str.add(f + (flat ? "toString(" : "ToString(") + n + ")");
            } else {
                eq.add(
                        switch (src) {
                            case "float" -> "Float.compare(" + n + ", other." + n + ") == 0";
                            case "double" -> "Double.compare(" + n + ", other." + n + ") == 0";
                            case "byte", "short", "int", "long", "boolean" -> n + " == other." + n;
                            default -> "Objects.equals(" + n + ", other." + n + ")";
                        });
                hash.add(n);
                str.add(n);
            }
        }
        w.line("@Override");
        w.open("public boolean equals(Object o)");
        List<String> lines = new ArrayList<>();
        lines.add("return o instanceof " + r.name() + " other");
        for (String e : eq) {
            lines.add("        && " + e);
        }
        lines.set(lines.size() - 1, lines.get(lines.size() - 1) + ";");
        lines.forEach(w::line);
        w.close();
        w.blank();
        w.line("@Override");
        w.open("public int hashCode()");
        if (hash.size() <= 3) {
            w.line("return Objects.hash(" + String.join(", ", hash) + ");");
        } else {
            w.line("return Objects.hash(");
            for (int i = 0; i < hash.size(); i++) {
                w.line("        " + hash.get(i) + (i + 1 < hash.size() ? "," : ");"));
            }
        }
        w.close();
        w.blank();
        w.line("@Override");
        w.open("public String toString()");
        for (int i = 0; i < str.size(); i++) {
            String name = r.components().get(i).name();
            w.line((i == 0 ? "return \"" + r.name() + "[" : "        + \", ") + name + "=\" + " + str.get(i));
        }
        w.line("        + \"]\";");
        w.close();
    }

    private static void enumeration(SourceWriter w, JavaTypes.EnumDecl e) {
        w.doc("C: {@code " + javadoc(e.cName()) + "} (" + e.size() + " bytes, " + (e.signed() ? "signed" : "unsigned")
                + "); each constant carries its C value.");
        w.open("public enum " + e.name());
        for (int i = 0; i < e.values().size(); i++) {
            Type.Enumerator v = e.values().get(i);
            String value = e.signed() || v.value() >= 0 ? v.value() + "L" : "0x" + Long.toHexString(v.value()) + "L";
            w.line(v.name() + "(" + value + ")" + (i + 1 < e.values().size() ? "," : ";"));
        }
        w.blank();
        w.line("private final long value;");
        w.blank();
        w.open(e.name() + "(long value)");
        w.line("this.value = value;");
        w.close();
        w.blank();
        w.doc("The enumerator's C value" + (e.signed() ? "." : " (unsigned: its bits)."));
        w.open("public long value()");
        w.line("return value;");
        w.close();
        w.close();
    }

    private static String javadoc(String s) {
        return s.replace("*/", "*&#47;").replace("@", "&#64;");
    }

    private static String javaString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
