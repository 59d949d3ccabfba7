package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public object API: read, inspect, edit, load; and the reader's answer to bad files. */
class ObjectSpecTest {
    @Test
    void sectionNamesFollowLibbpfsTable() {
        var tp = ProgramSections.match("tracepoint/syscalls/sys_enter_execve").orElseThrow();
        assertEquals(ProgramType.TRACEPOINT, tp.def().type());
        assertEquals("syscalls/sys_enter_execve", tp.target());
        assertEquals(
                ProgramType.TRACEPOINT,
                ProgramSections.match("tp/sched/sched_switch")
                        .orElseThrow()
                        .def()
                        .type());
        var sleepy = ProgramSections.match("uprobe.s//bin/bash:readline").orElseThrow();
        assertEquals(ProgramFlags.SLEEPABLE, sleepy.def().flags());
        assertEquals(
                Optional.of(AttachType.TCX_INGRESS),
                ProgramSections.match("tc/ingress").orElseThrow().def().attachType());
        assertEquals(
                Optional.of(AttachType.XDP),
                ProgramSections.match("xdp").orElseThrow().def().attachType());
        assertEquals(
                ProgramFlags.XDP_HAS_FRAGS,
                ProgramSections.match("xdp.frags").orElseThrow().def().flags());
        assertTrue(
                ProgramSections.match("fentry/do_unlinkat").orElseThrow().def().attachBtf());
        assertTrue(ProgramSections.match("xdpfoo").isEmpty(), "no '+': exact names only");
        assertTrue(ProgramSections.match("nonsense/x").isEmpty());
        assertTrue(ProgramSections.all().size() > 100);
    }

    @Test
    void readsProgramsMapsAndGlobals() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_globals"));
        assertEquals("load_globals", spec.name());
        assertTrue(spec.programs().size() >= 1, spec.toString());
        assertTrue(spec.maps().containsKey(".rodata"), spec.toString());
        assertEquals(MapType.ARRAY, spec.maps().get(".rodata").type());
        String text = spec.toString();
        assertTrue(text.contains("programs:") && text.contains(".rodata"), text);
        ObjectSpec mim = ObjectSpec.read(Kernel.bpfObject("load_map_in_map"));
        assertTrue(
                mim.maps().values().stream()
                        .anyMatch(m -> m.type().isMapInMap() && m.innerMap().isPresent()),
                mim.toString());
    }

    @Test
    void editsReturnNewSpecs() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("load_subprogs"));
        String map = spec.maps().keySet().iterator().next();
        ObjectSpec bigger = spec.withMaxEntries(map, 4096);
        assertEquals(4096, bigger.maps().get(map).maxEntries());
        assertTrue(spec.maps().get(map).maxEntries() != 4096 || map.startsWith("."));
        ProgramSpec first = spec.programs().values().iterator().next();
        assertThrows(IllegalArgumentException.class, () -> spec.withAutoload("no_such_program", false));
        assertEquals(first, spec.withAutoload(first.name(), false).programs().get(first.name()));
        assertFalse(spec.withAutoload(first.name(), false).autoload(first.name()));
    }

    @Test
    void loadsThroughThePublicApi() {
        Kernel.assumeRoot();
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("load_subprogs")).load()) {
            assertTrue(!obj.programs().isEmpty());
            obj.programs().values().forEach(p -> assertTrue(p.fd() > 0));
        }
    }

    @Test
    void notABpfObjectIsRefusedClearly(@TempDir Path dir) throws Exception {
        ObjectFormatException e =
                assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(new byte[] {1, 2, 3}, "junk.o"));
        assertTrue(e.getMessage().contains("junk.o") && e.getMessage().contains("ELF"), e.getMessage());
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        if (Files.exists(libc)) {
            ObjectFormatException x = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(libc));
            assertTrue(x.getMessage().contains("not BPF"), x.getMessage());
        }
        byte[] real = Files.readAllBytes(Kernel.bpfObject("load_globals"));
        byte[] cut = java.util.Arrays.copyOf(real, real.length / 2);
        ObjectFormatException t = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(cut, "cut.bpf.o"));
        assertTrue(t.getMessage().contains("cut.bpf.o") && t.getMessage().contains("offset"), t.getMessage());
        byte[] be = real.clone();
        be[5] = 2;
        assertTrue(assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(be, "be.o"))
                .getMessage()
                .contains("big-endian"));
    }

    /**
     * A seeded mutation fuzzer over real clang objects: every mutant must read fine or fail with an
     * ObjectFormatException — never another exception, a hang or an OOM.
     */
    @Test
    void mutatedObjectsFailOnlyWithObjectFormatException() throws Exception {
        Random rnd = new Random(20261123);
        for (String name : new String[] {"load_globals", "load_subprogs", "load_core_exec", "load_map_in_map"}) {
            byte[] real = Files.readAllBytes(Kernel.bpfObject(name));
            for (int i = 0; i < 300; i++) {
                byte[] m = real.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    int at = rnd.nextInt(m.length);
                    m[at] = switch (rnd.nextInt(3)) {
                        case 0 -> (byte) rnd.nextInt(256);
                        case 1 -> (byte) 0xff;
                        default -> 0;
                    };
                }
                try {
                    ObjectSpec.read(m, name + "#" + i);
                } catch (ObjectFormatException expected) {
                    assertTrue(expected.getMessage().contains(name + "#" + i), expected.getMessage());
                } catch (Throwable t) {
                    throw new AssertionError("mutant " + i + " of " + name + " failed with " + t, t);
                }
            }
        }
    }
}
