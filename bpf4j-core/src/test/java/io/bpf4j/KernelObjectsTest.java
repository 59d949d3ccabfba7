package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.asm.Assembler;
import io.bpf4j.btf.Btf;
import io.bpf4j.link.LinkInfo;
import io.bpf4j.link.RawTracepoint;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The kernel's objects by id: a map, a program and a link this test makes are found, opened and read. */
class KernelObjectsTest {

    @Test
    void findsAndOpensWhatItMade() throws Exception {
        Kernel.assumeRoot();
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        MapSpec ms = MapSpec.builder(MapType.HASH)
                .name("ko_m_" + suffix)
                .keySize(4)
                .valueSize(8)
                .maxEntries(4)
                .build();
        ProgramSpec ps = ProgramSpec.builder("ko_p_" + suffix, ProgramType.RAW_TRACEPOINT)
                .instructions(Assembler.assemble("r0 = 0x0\nexit").instructions())
                .build();
        try (BpfMap map = BpfMap.create(ms);
                Program prog = Program.load(ps);
                RawTracepoint link = RawTracepoint.attach(prog, "sys_enter")) {
            map.update(new byte[] {1, 0, 0, 0}, new byte[] {42, 0, 0, 0, 0, 0, 0, 0}, UpdateFlag.ANY);
            int mapId = map.info().id();
            int progId = prog.info().id();
            int linkId = link.info().id();

            assertTrue(KernelObjects.mapIds().contains(mapId));
            assertTrue(KernelObjects.programIds().contains(progId));
            assertTrue(KernelObjects.linkIds().contains(linkId));
            List<Integer> ids = KernelObjects.programIds();
            assertEquals(ids.stream().sorted().toList(), ids, "ascending");

            MapInfo mi = KernelObjects.maps().stream()
                    .filter(i -> i.id() == mapId)
                    .findFirst()
                    .orElseThrow();
            assertEquals(ms.name(), mi.name());
            ProgramInfo pi = KernelObjects.programs().stream()
                    .filter(i -> i.id() == progId)
                    .findFirst()
                    .orElseThrow();
            assertEquals(ps.name(), pi.name());
            assertEquals(ProgramType.RAW_TRACEPOINT, pi.type().orElseThrow());
            LinkInfo li = KernelObjects.links().stream()
                    .filter(i -> i.id() == linkId)
                    .findFirst()
                    .orElseThrow();
            assertEquals(progId, li.programId());

            // Opened handles work: the map read through the iteration holds what was written.
            List<byte[]> seen = new ArrayList<>();
            KernelObjects.forEachMap((m, info) -> {
                if (info.id() == mapId) {
                    assertEquals(ms.name(), m.name());
                    seen.add(m.lookup(new byte[] {1, 0, 0, 0}).orElseThrow());
                }
            });
            assertEquals(1, seen.size());
            assertArrayEquals(new byte[] {42, 0, 0, 0, 0, 0, 0, 0}, seen.get(0));
            List<String> progs = new ArrayList<>();
            KernelObjects.forEachProgram((p, info) -> {
                if (info.id() == progId) {
                    progs.add(p.name() + " " + p.type() + " "
                            + p.xlatedInstructions().size());
                }
            });
            assertEquals(List.of(ps.name() + " RAW_TRACEPOINT 2"), progs);
            List<Integer> links = new ArrayList<>();
            KernelObjects.forEachLink((l, info) -> {
                if (info.id() == linkId) {
                    links.add(l.info().programId());
                }
            });
            assertEquals(List.of(progId), links);
        }
    }

    @Test
    void kernelBtfIsListedAndReadable() throws Exception {
        Kernel.assumeRoot();
        // the kernel's BTF got an id (and bpf_btf_info its kernel_btf flag) in 5.11; before, it is unlisted
        io.bpf4j.btf.Btf running = io.bpf4j.btf.KernelBtf.vmlinux();
        boolean listed = running.find("bpf_btf_info", io.bpf4j.btf.Type.Struct.class)
                .map(t -> t.members().stream().anyMatch(m -> m.name().equals("kernel_btf")))
                .orElse(false);
        io.bpf4j.testing.KernelFeature.assume(
                listed,
                "ids for the kernel's own BTF (Linux 5.11)",
                "struct bpf_btf_info in the kernel's BTF has no kernel_btf member");
        KernelObjects.BtfInfo vmlinux = KernelObjects.btfs().stream()
                .filter(b -> b.kernel() && b.name().equals("vmlinux"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no vmlinux BTF among " + KernelObjects.btfs()));
        assertEquals(Files.size(Path.of("/sys/kernel/btf/vmlinux")), vmlinux.size());
        assertEquals(vmlinux, KernelObjects.btf(vmlinux.id()));
        byte[] data = KernelObjects.btfData(vmlinux.id());
        assertArrayEquals(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")), data);
        assertFalse(Btf.parse(data).idsNamed("task_struct").isEmpty());
    }

    @Test
    void aMissingIdIsAClearError() {
        Kernel.assumeRoot();
        BpfException e = org.junit.jupiter.api.Assertions.assertThrows(
                BpfException.class, () -> KernelObjects.btf(Integer.MAX_VALUE));
        assertEquals(Errno.ENOENT, e.errno().orElseThrow());
        assertTrue(e.getMessage().contains("BTF id " + Integer.MAX_VALUE), e.getMessage());
    }
}
