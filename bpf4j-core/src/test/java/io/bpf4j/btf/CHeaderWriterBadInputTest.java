package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small hostile BTF must not make the C header writer (or {@link Btf#cName}) allocate what the
 * blob claims, overflow the stack or run without end: a bounded header or a {@link BtfException}.
 * Walks run on a thread with half the JVM's default 1 MB stack, so that the margin is tested too.
 */
class CHeaderWriterBadInputTest {
    @TempDir
    Path dir;

    private static final Type.Int INT = new Type.Int("int", 4, true, false, false, 0, 32);

    /** Runs {@code body} on a thread with a 512 KB stack and rethrows what it threw. */
    private static void onSmallStack(Runnable body) throws Throwable {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(
                null,
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        thrown.set(e);
                    }
                },
                "small-stack",
                512 * 1024);
        t.start();
        t.join();
        if (thrown.get() != null) {
            throw thrown.get();
        }
    }

    private static void refusedOnSmallStack(Runnable body, String part) throws Throwable {
        onSmallStack(() -> {
            BtfException e = assertThrows(BtfException.class, body::run, part);
            assertTrue(e.getMessage().contains(part), e.getMessage());
        });
    }

    @Test
    void aHugeStructIsPaddedInOneLineAndCompilesToItsSize() throws Exception {
        // [1] int, [2] struct big { int a; } of 484 MB, [3] struct huge { int a; int b @ 2 GiB - 8 bits } of 4 GiB - 1
        Btf btf = Btf.of(
                null,
                List.of(
                        INT,
                        new Type.Struct("big", 484_000_000, List.of(new Type.Member("a", 1, 0, 0)), false),
                        new Type.Struct(
                                "huge",
                                -4,
                                List.of(
                                        new Type.Member("a", 1, 0, 0),
                                        new Type.Member("b", 1, Integer.MAX_VALUE - 31, 0)),
                                false)));
        String h = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CHeaderWriter.write(btf));
        assertTrue(h.length() < 4000, h.length() + " characters");
        compiles(
                h,
                "_Static_assert(sizeof(struct big) == 484000000, \"big\");\n"
                        + "_Static_assert(sizeof(struct huge) == 4294967292UL, \"huge\");\n"
                        + "_Static_assert(__builtin_offsetof(struct huge, b) == " + ((Integer.MAX_VALUE - 31) / 8)
                        + ", \"b\");\n");
    }

    @Test
    void aPackedUnionIsMarkedPackedAndKeepsItsSize() throws Exception {
        // [1] int, [2] long long, [3] char, [4] char[18], [5] union u { char k[18]; long long w; } of 18
        // bytes (a u64 in an 18-byte union: packed, as Chrome EC's unions are), [6] struct s { char t; union u d; } of
        // 19
        Type.Int s64 = new Type.Int("long long", 8, true, false, false, 0, 64);
        Type.Int chr = new Type.Int("char", 1, true, true, false, 0, 8);
        Btf btf = Btf.of(
                null,
                List.of(
                        INT,
                        s64,
                        chr,
                        new Type.Array(3, 1, 18),
                        new Type.Union(
                                "u", 18, List.of(new Type.Member("k", 4, 0, 0), new Type.Member("w", 2, 0, 0)), false),
                        new Type.Struct(
                                "s",
                                19,
                                List.of(new Type.Member("t", 3, 0, 0), new Type.Member("d", 5, 8, 0)),
                                false)));
        String h = CHeaderWriter.write(btf);
        assertTrue(h.contains("} __attribute__((packed));"), h);
        compiles(
                h,
                "_Static_assert(sizeof(union u) == 18, \"u\");\n"
                        + "_Static_assert(sizeof(struct s) == 19, \"s\");\n"
                        + "_Static_assert(__builtin_offsetof(struct s, d) == 1, \"d\");\n");
    }

    @Test
    void aTypedefWithoutANameIsNamedNotANullPointer() {
        Btf btf = Btf.of(null, List.of(INT, new Type.Typedef("", 1)));
        BtfException e = assertThrows(BtfException.class, () -> CHeaderWriter.write(btf));
        assertTrue(e.getMessage().contains("type [2] is a TYPEDEF without a name"), e.getMessage());
    }

    @Test
    void cyclesAndDeepChainsAreRefusedWithoutStackOverflow() throws Throwable {
        // [1] ptr -> [1]
        Btf ptrCycle = Btf.of(null, List.of(new Type.Ptr(1), new Type.Typedef("p", 1)));
        refusedOnSmallStack(() -> CHeaderWriter.write(ptrCycle), "a reference cycle");
        refusedOnSmallStack(() -> ptrCycle.cName(1), "cycle");
        // [1] anonymous struct holding itself by value, used by [2] struct s
        Btf anonCycle = Btf.of(
                null,
                List.of(
                        new Type.Struct("", 4, List.of(new Type.Member("x", 1, 0, 0)), false),
                        new Type.Struct("s", 4, List.of(new Type.Member("y", 1, 0, 0)), false)));
        refusedOnSmallStack(() -> CHeaderWriter.write(anonCycle), "deeper than");
        refusedOnSmallStack(() -> anonCycle.alignof(2), "deeper than");
        // 100,000 function prototypes, each taking a pointer to the next: no cycle, just deep
        List<Type> protos = new ArrayList<>();
        protos.add(INT);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            int proto = protos.size() + 1;
            protos.add(new Type.FuncProto(1, List.of(new Type.Param("f", proto + 1))));
            protos.add(new Type.Ptr(i == n - 1 ? 1 : proto + 2));
        }
        protos.add(new Type.Typedef("deep", 2));
        Btf deep = Btf.of(null, protos);
        refusedOnSmallStack(() -> CHeaderWriter.write(deep), "deeper than");
        refusedOnSmallStack(() -> deep.cName(2), "deeper than");
        // a const chain of 200,000 links: a loop, not a recursion
        List<Type> consts = new ArrayList<>();
        consts.add(INT);
        for (int i = 0; i < 200_000; i++) {
            consts.add(new Type.Const(consts.size()));
        }
        consts.add(new Type.Typedef("c", consts.size()));
        Btf chain = Btf.of(null, consts);
        refusedOnSmallStack(() -> CHeaderWriter.write(chain), "does not end within");
        refusedOnSmallStack(() -> chain.cName(consts.size() - 1), "deeper than");
    }

    @Test
    void anonymousTypesRepeatedWithoutEndHitTheSizeLimitQuickly() throws Throwable {
        // [1] int; [k+1] anonymous struct of two members of type [k]: the inline C doubles per level
        List<Type> types = new ArrayList<>();
        types.add(INT);
        for (int level = 1; level <= 40; level++) {
            int size = 4 << Math.min(level, 28);
            types.add(new Type.Struct(
                    "",
                    size,
                    List.of(new Type.Member("a", level, 0, 0), new Type.Member("b", level, 8 * (size / 2), 0)),
                    false));
        }
        types.add(new Type.Struct("top", 4 << 28, List.of(new Type.Member("t", types.size(), 0, 0)), false));
        Btf btf = Btf.of(null, types);
        // Either limit may come first: the header's size, or the members alignof may visit.
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> onSmallStack(() -> {
                    BtfException e = assertThrows(BtfException.class, () -> CHeaderWriter.write(btf));
                    assertTrue(
                            e.getMessage().contains("would exceed")
                                    || e.getMessage().contains("too many members"),
                            e.getMessage());
                }));
        // Unions the same (their alignment is walked too: a union may be packed).
        List<Type> unions = new ArrayList<>(types.subList(0, 1));
        for (int level = 1; level <= 40; level++) {
            unions.add(new Type.Union(
                    "", 4, List.of(new Type.Member("a", level, 0, 0), new Type.Member("b", level, 0, 0)), false));
        }
        unions.add(new Type.Union("top", 4, List.of(new Type.Member("t", unions.size(), 0, 0)), false));
        Btf u = Btf.of(null, unions);
        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> onSmallStack(() -> {
                    BtfException e = assertThrows(BtfException.class, () -> CHeaderWriter.write(u));
                    assertTrue(
                            e.getMessage().contains("would exceed")
                                    || e.getMessage().contains("too many members"),
                            e.getMessage());
                }));
    }

    @Test
    void manyEqualEnumeratorsTakeLinearTime() {
        List<Type.Enumerator> values = new ArrayList<>();
        for (int i = 0; i < 65_535; i++) {
            values.add(new Type.Enumerator("A", i));
        }
        Btf btf = Btf.of(null, List.of(new Type.Enum("e", 4, false, values), new Type.Enum("f", 4, false, values)));
        String h = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CHeaderWriter.write(btf));
        assertTrue(h.contains("A___131070 = 65534,"), "the last one gets the last suffix");
    }

    @Test
    void enumsWithoutValuesAreForwardDeclarationsOrTheirInteger() throws Exception {
        // [1] enum fwd {} (named, 4 bytes), [2] anonymous enum {} of 1 byte, [3] struct user of both
        Btf btf = Btf.of(
                null,
                List.of(
                        new Type.Enum("fwd", 4, false, List.of()),
                        new Type.Enum("", 1, true, List.of()),
                        new Type.Ptr(1),
                        new Type.Struct(
                                "user",
                                16,
                                List.of(new Type.Member("p", 3, 0, 0), new Type.Member("small", 2, 64, 0)),
                                false)));
        String h = CHeaderWriter.write(btf);
        assertTrue(h.contains("enum fwd;"), h);
        compiles(
                h,
                "_Static_assert(sizeof(struct user) == 16, \"user\");\n"
                        + "_Static_assert(__builtin_offsetof(struct user, small) == 8, \"small\");\n");
    }

    private void compiles(String header, String checks) throws Exception {
        Files.writeString(dir.resolve("vmlinux.h"), header);
        Files.writeString(dir.resolve("check.c"), "#include \"vmlinux.h\"\n" + checks);
        BtfTestFiles.run(List.of(
                "clang-16",
                "-target",
                "bpf",
                "-fsyntax-only",
                "-Werror",
                "-Wno-pedantic",
                "-I",
                dir.toString(),
                dir.resolve("check.c").toString()));
    }

    @Test
    void aValueOfEmptyStructsClaimingBillionsOfElementsIsRefused() {
        // [1] struct e {} (size 0), [2] int index, [3] struct e[0xffffffff]: 0 bytes that claim 4 billion elements
        Btf btf = Btf.of(null, List.of(new Type.Struct("e", 0, List.of(), false), INT, new Type.Array(1, 2, -1)));
        BtfException e = assertTimeoutPreemptively(
                Duration.ofSeconds(5),
                () -> assertThrows(BtfException.class, () -> new ValuePrinter(btf).toJson(3, new byte[0])));
        assertTrue(e.getMessage().contains("would exceed"), e.getMessage());
    }
}
