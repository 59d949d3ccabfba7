package io.bpf4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The house's architecture rules (ARCHITECTURE.md), checked on the compiled main classes: one
 * door to the kernel, no internal type in the exported API, package cycles no worse than today,
 * and test classes only in packages that main has.
 */
class ArchitectureTest {
    private static final String SYS = "io.bpf4j.internal.sys";
    private static final String INTERNAL = "io.bpf4j.internal";
    /** The packages module-info exports. */
    private static final List<String> EXPORTED = List.of(
            "io.bpf4j",
            "io.bpf4j.asm",
            "io.bpf4j.btf",
            "io.bpf4j.codec",
            "io.bpf4j.features",
            "io.bpf4j.link",
            "io.bpf4j.perf",
            "io.bpf4j.ringbuf");

    // Imported from the build's output directories only: scanning the whole class path for
    // io.bpf4j (every jar) takes half a minute.
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(location(BpfMap.class));
    private static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPath(location(ArchitectureTest.class));

    private static java.nio.file.Path location(Class<?> c) {
        try {
            return java.nio.file.Path.of(
                    c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mainClassesWereImported() {
        // A rule over nothing passes: make sure the import found the library.
        assertEquals(true, MAIN.contain(BpfMap.class), "io.bpf4j.BpfMap imported from target/classes");
        // ... and that dependencies are seen: Fd closes through Libc, Libc holds a Linker.
        assertEquals(
                true,
                MAIN.get(SYS + ".Fd").getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getName().equals(SYS + ".Libc")),
                "Fd -> Libc seen");
        assertEquals(
                true,
                MAIN.get(SYS + ".Libc").getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getName().equals("java.lang.foreign.Linker")),
                "Libc -> Linker seen");
    }

    @Test
    void onlyInternalSysCallsTheKernel() {
        noClasses()
                .that()
                .resideOutsideOfPackage(SYS)
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(SYS + ".Libc")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.foreign.Linker")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.foreign.Linker$Option")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.foreign.SymbolLookup")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.foreign.FunctionDescriptor")
                .because("internal.sys is the one door to the kernel: syscalls, syscall numbers and"
                        + " downcall handles live there")
                .check(MAIN);
    }

    /**
     * Classes outside internal.sys that still fill a {@code bpf_attr} themselves: BPF_PROG_LOAD
     * (the feature probes) and BPF_PROG_TEST_RUN, which move behind typed functions in
     * internal.sys with the loader's commands. The list may only shrink.
     */
    private static final Set<String> ATTR_FILLERS_LEFT =
            Set.of("io.bpf4j.Program", "io.bpf4j.features.ProgramFeatures", "io.bpf4j.features.StructOpsFeatures");

    /**
     * Every bpf command's attr is filled in internal.sys, by one typed function per command
     * ({@code MapCreate}, {@code MapElems}, {@code MapBatch}, {@code Links}...): outside it no
     * class names an attr layout ({@code Attr}, {@code LinkAttr}), takes the scratch attr buffer
     * or calls {@code bpf(2)} with an attr of its own ({@code Bpf.call}).
     */
    @Test
    void attrLayoutsAreFilledOnlyInInternalSys() {
        Set<String> fillers = new TreeSet<>();
        for (JavaClass c : MAIN) {
            if (c.getPackageName().equals(SYS)) {
                continue;
            }
            boolean namesLayout = c.getDirectDependenciesFromSelf().stream()
                    .map(d -> d.getTargetClass().getName())
                    .anyMatch(n ->
                            n.equals(SYS + ".Attr") || n.startsWith(SYS + ".Attr$") || n.equals(SYS + ".LinkAttr"));
            boolean sendsAttr = c.getMethodCallsFromSelf().stream().anyMatch(call -> {
                String owner = call.getTargetOwner().getName();
                String name = call.getName();
                return (owner.equals(SYS + ".Bpf") && (name.equals("call") || name.equals("callElem")))
                        || (owner.equals(SYS + ".Scratch") && name.startsWith("attr"));
            });
            if (namesLayout || sendsAttr) {
                String top = c.getName();
                fillers.add(top.contains("$") ? top.substring(0, top.indexOf('$')) : top);
            }
        }
        Set<String> unexpected = new TreeSet<>(fillers);
        unexpected.removeAll(ATTR_FILLERS_LEFT);
        assertEquals(
                Set.of(),
                unexpected,
                "bpf_attr filled outside internal.sys: add a typed function there (see MapElems, Links)");
        Set<String> done = new TreeSet<>(ATTR_FILLERS_LEFT);
        done.removeAll(fillers);
        assertEquals(Set.of(), done, "no longer fill an attr themselves: take them out of ATTR_FILLERS_LEFT");
    }

    @Test
    void exportedSignaturesNameNoInternalType() {
        classes()
                .that()
                .arePublic()
                .and()
                .resideInAnyPackage(EXPORTED.toArray(String[]::new))
                .should(
                        new ArchCondition<JavaClass>(
                                "name no io.bpf4j.internal type in a public or protected" + " signature") {
                            @Override
                            public void check(JavaClass c, ConditionEvents events) {
                                for (JavaCodeUnit m : c.getCodeUnits()) {
                                    if (!visible(m.getModifiers())) {
                                        continue;
                                    }
                                    Set<JavaClass> used = new java.util.HashSet<>(m.getRawParameterTypes());
                                    used.add(m.getRawReturnType());
                                    used.addAll(m.getThrowsClause().getTypes());
                                    for (JavaType t : m.getParameterTypes()) {
                                        used.addAll(t.getAllInvolvedRawTypes());
                                    }
                                    used.addAll(m.getReturnType().getAllInvolvedRawTypes());
                                    report(events, c, m.getFullName(), used);
                                }
                                for (JavaField f : c.getFields()) {
                                    if (visible(f.getModifiers())) {
                                        report(
                                                events,
                                                c,
                                                f.getFullName(),
                                                f.getType().getAllInvolvedRawTypes());
                                    }
                                }
                            }
                        })
                .because("the internal packages are not exported: a user could not name the type")
                .check(MAIN);
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void report(ConditionEvents events, JavaClass owner, String member, Set<JavaClass> types) {
        for (JavaClass t : types) {
            if (t.getPackageName().startsWith(INTERNAL)) {
                events.add(SimpleConditionEvent.violated(owner, member + " names " + t.getName()));
            }
        }
    }

    /**
     * Cycles among the exported packages. Two remain, each needing a public API move to break:
     * the root package and {@code link} depend on each other ({@code BpfObject.attachAll},
     * {@code KernelObjects}' links, {@code StructOpsMaps} attach through {@code link}; {@code link}
     * takes {@code Program}/{@code AttachType} from the root), and {@code btf}'s
     * {@code BtfException} extends the root's {@code BpfException}. ({@code features} left the
     * list when BpfMap's probes moved to internal.sys.MapProbes.) This rule holds the set of
     * cycles to what it is: a new cycle fails, and a cycle broken must be taken out of
     * {@link #KNOWN_CYCLES}.
     */
    @Test
    void packageCyclesNoWorseThanKnown() {
        Set<String> cycles = new TreeSet<>();
        List<String> packages = MAIN.stream()
                .map(JavaClass::getPackageName)
                .filter(EXPORTED::contains)
                .distinct()
                .sorted()
                .toList();
        for (String a : packages) {
            for (String b : packages) {
                if (a.compareTo(b) < 0
                        && directDependencies(a).contains(b)
                        && directDependencies(b).contains(a)) {
                    cycles.add(a + " <-> " + b);
                }
            }
        }
        assertEquals(
                KNOWN_CYCLES,
                cycles,
                "package cycles among the exported packages changed: a new one is"
                        + " a defect; one that is gone should leave KNOWN_CYCLES");
    }

    /** Pairs of exported packages that depend on each other directly, as of this commit. */
    private static final Set<String> KNOWN_CYCLES =
            new TreeSet<>(Set.of("io.bpf4j <-> io.bpf4j.btf", "io.bpf4j <-> io.bpf4j.link"));

    /**
     * Without the root package, the exported packages form no cycle at all: every cycle today
     * passes through {@code io.bpf4j}, so that is where breaking them starts.
     */
    @Test
    void noCycleAvoidsTheRootPackage() {
        Set<String> cycles = new TreeSet<>();
        List<String> packages =
                EXPORTED.stream().filter(p -> !p.equals("io.bpf4j")).toList();
        for (String a : packages) {
            for (String b : packages) {
                if (a.compareTo(b) < 0 && reaches(a, b) && reaches(b, a)) {
                    cycles.add(a + " <-> " + b);
                }
            }
        }
        assertEquals(Set.of(), cycles, "cycles among the exported packages that avoid io.bpf4j");
    }

    private static boolean reaches(String from, String to) {
        Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (!seen.add(p)) {
                continue;
            }
            for (String q : directDependencies(p)) {
                if (q.equals("io.bpf4j") && !to.equals(q)) {
                    continue; // noCycleAvoidsTheRootPackage: paths through the root are the known cycles
                }
                if (q.equals(to)) {
                    return true;
                }
                todo.push(q);
            }
        }
        return false;
    }

    private static final java.util.Map<String, Set<String>> DEPS = new java.util.HashMap<>();

    private static Set<String> directDependencies(String pkg) {
        return DEPS.computeIfAbsent(pkg, p -> MAIN.stream()
                .filter(c -> c.getPackageName().equals(p))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(d -> d.getTargetClass().getPackageName())
                .filter(q -> !q.equals(p) && q.startsWith("io.bpf4j"))
                .collect(Collectors.toSet()));
    }

    @Test
    void internalPackagesAreFreeOfCycles() {
        SlicesRuleDefinition.slices()
                .assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass c) {
                        return c.getPackageName().startsWith(INTERNAL)
                                ? SliceIdentifier.of(c.getPackageName())
                                : SliceIdentifier.ignore();
                    }

                    @Override
                    public String getDescription() {
                        return "the internal packages";
                    }
                })
                .should()
                .beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void testsMirrorMainPackages() {
        Set<String> main = MAIN.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        main.add("io.bpf4j.testing"); // the test support package: helpers every test shares
        Set<String> stray = new TreeSet<>();
        for (JavaClass t : TESTS) {
            if (!main.contains(t.getPackageName())) {
                stray.add(t.getPackageName() + " (" + t.getSimpleName() + ")");
            }
        }
        assertEquals(
                Set.of(),
                stray,
                "test classes in packages main does not have: move each test beside" + " the code it tests");
    }
}
