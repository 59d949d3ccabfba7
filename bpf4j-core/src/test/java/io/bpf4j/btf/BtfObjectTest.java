package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.internal.sys.BtfObjects;
import io.bpf4j.internal.sys.Fd;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** clang objects' .BTF and .BTF.ext: parsed, checked against bpftool, written back, loaded into the kernel. */
class BtfObjectTest {
    private static final Pattern TYPE_LINE = Pattern.compile("^\\[(\\d+)] (\\w+) '([^']*)'.*");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "load_globals",
                "load_core_exec",
                "load_core_kinds",
                "load_subprogs",
                "load_map_in_map",
                "ringbuf_emit"
            })
    void parsesLikeBpftoolAndRoundTrips(String name) throws Exception {
        Path obj = BtfTestFiles.object(name);
        Btf btf = Btf.parse(BtfTestFiles.section(obj, ".BTF"));
        int seen = 0;
        for (String line : BtfTestFiles.bpftoolDump(obj)) {
            Matcher m = TYPE_LINE.matcher(line);
            if (m.matches()) {
                Type t = btf.type(Integer.parseInt(m.group(1)));
                assertEquals(m.group(2), BtfTestFiles.KIND_NAMES[t.kind()], line);
                assertEquals(m.group(3).equals("(anon)") ? "" : m.group(3), t.name(), line);
                seen++;
            }
        }
        assertEquals(btf.typeCount() - 1, seen);
        Btf again = Btf.parse(BtfWriter.write(btf));
        assertEquals(btf.ownTypes(), again.ownTypes());
    }

    @Test
    void toBytesIsTheParsedBlobWithItsDataSecLayoutPatchedIn() throws Exception {
        byte[] raw = BtfTestFiles.section(BtfTestFiles.object("load_globals"), ".BTF");
        Btf btf = Btf.parse(raw);
        org.junit.jupiter.api.Assertions.assertArrayEquals(raw, btf.toBytes());
        Type.DataSec data = btf.find(".data", Type.DataSec.class).orElseThrow();
        String first = btf.name(data.vars().get(0).typeId());
        Btf laid = btf.withDataSecLayout(
                java.util.Map.of(".data", 64L), java.util.Map.of(".data", java.util.Map.of(first, 8L)));
        Btf again = Btf.parse(laid.toBytes());
        Type.DataSec patched = again.find(".data", Type.DataSec.class).orElseThrow();
        assertEquals(64, patched.size());
        assertTrue(
                patched.vars().stream().anyMatch(v -> again.name(v.typeId()).equals(first) && v.offset() == 8),
                patched.toString());
        assertEquals(raw.length, laid.toBytes().length); // patched where the values stand, nothing re-encoded
    }

    @Test
    void coreRelocationsAndFuncInfoOfAClangObject() throws Exception {
        Path obj = BtfTestFiles.object("load_core_exec");
        Btf btf = Btf.parse(BtfTestFiles.section(obj, ".BTF"));
        BtfExt ext = BtfExt.parse(BtfTestFiles.section(obj, ".BTF.ext"), btf);
        assertFalse(ext.funcInfos().isEmpty());
        assertFalse(ext.coreRelocations().isEmpty(), "load_core_exec uses BPF_CORE_READ");
        for (var sec : ext.funcInfos().entrySet()) {
            assertEquals(
                    0,
                    sec.getValue().getFirst().insnOffset(),
                    "first function of " + sec.getKey() + " starts the section");
            for (BtfExt.FuncInfo f : sec.getValue()) {
                assertTrue(btf.type(f.typeId()) instanceof Type.Func, "func_info names a FUNC");
            }
        }
        for (var sec : ext.coreRelocations().values()) {
            for (CoreRelocation r : sec) {
                assertTrue(r.accessString().matches("\\d+(:\\d+)*"), r.accessString());
                assertTrue(r.typeId() > 0 && r.typeId() < btf.typeCount());
            }
        }
        List<BtfExt.LineInfo> lines =
                ext.lineInfos().values().stream().flatMap(List::stream).toList();
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.file().endsWith("load_core_exec.bpf.c")
                                && l.lineNum() > 0
                                && !l.line().isBlank()),
                lines.toString());
    }

    @Test
    void vmlinuxRoundTripsThroughTheWriter() throws Exception {
        Btf btf = Btf.parse(BtfTestFiles.vmlinux());
        Btf again = Btf.parse(BtfWriter.write(btf));
        assertEquals(btf.typeCount(), again.typeCount());
        assertEquals(btf.ownTypes(), again.ownTypes());
    }

    @Test
    void kernelAcceptsWriterOutputWithAndWithoutSanitizing() throws Exception {
        Path obj = BtfTestFiles.object("load_globals");
        ElfLayout layout = ElfLayout.of(obj);
        Btf btf = Btf.parse(BtfTestFiles.section(obj, ".BTF"))
                .withDataSecLayout(layout.sectionSizes(), layout.varOffsets());
        Type.DataSec data = btf.find(".data.stats", Type.DataSec.class).orElseThrow();
        assertEquals(16, data.size());
        assertEquals(
                List.of(0, 8), data.vars().stream().map(Type.VarSecInfo::offset).toList());
        for (Set<Sanitize> s : List.of(EnumSet.noneOf(Sanitize.class), EnumSet.allOf(Sanitize.class))) {
            try (Fd fd = BtfObjects.load(BtfWriter.write(btf, s), "BTF of load_globals sanitized " + s)) {
                assertTrue(fd.raw() > 0);
            }
        }
    }

    @Test
    void kernelRefusesDataSecsClangLeftUnsized() throws Exception {
        Btf btf = Btf.parse(BtfTestFiles.section(BtfTestFiles.object("load_globals"), ".BTF"));
        // Proves the fixup above is what makes the kernel accept: without it the blob is refused.
        try {
            BtfObjects.load(BtfWriter.write(btf), "unfixed BTF").close();
            throw new AssertionError("the kernel accepted DATASECs of size 0");
        } catch (BpfException expected) {
            assertTrue(expected.errnoNumber() != 0, expected.getMessage());
        }
    }

    @Test
    void sanitizingRemovesNewKinds() throws Exception {
        Btf btf = Btf.parse(BtfTestFiles.section(BtfTestFiles.object("load_globals"), ".BTF"));
        Btf clean = Btf.parse(BtfWriter.write(btf, EnumSet.allOf(Sanitize.class)));
        assertEquals(btf.typeCount(), clean.typeCount());
        for (Type t : clean.ownTypes()) {
            assertFalse(
                    t instanceof Type.Var
                            || t instanceof Type.DataSec
                            || t instanceof Type.DeclTag
                            || t instanceof Type.TypeTag
                            || t instanceof Type.Float
                            || t instanceof Type.Enum64,
                    t.toString());
            if (t instanceof Type.Func f) {
                assertEquals(Type.Linkage.STATIC, f.linkage());
            }
        }
    }
}
