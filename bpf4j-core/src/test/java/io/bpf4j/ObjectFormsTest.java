package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every map definition form, every global section and a spread of section names, read from clang objects. */
class ObjectFormsTest {
    @Test
    void btfMapFormsCarryEveryField() {
        Map<String, MapSpec> maps =
                ObjectSpec.read(Kernel.bpfObject("obj_forms")).maps();

        MapSpec typed = maps.get("obj_typed");
        assertEquals(MapType.HASH, typed.type());
        assertEquals(4, typed.keySize());
        assertEquals(16, typed.valueSize(), "struct obj_value: u64 + u32, padded");
        assertEquals(128, typed.maxEntries());
        assertEquals(1, typed.flags(), "BPF_F_NO_PREALLOC");
        assertTrue(typed.btfKeyTypeId() > 0 && typed.btfValueTypeId() > 0, "types keep their BTF ids");

        MapSpec sized = maps.get("obj_sized");
        assertEquals(MapType.ARRAY, sized.type());
        assertEquals(24, sized.valueSize());
        assertEquals(Pinning.BY_NAME, sized.pinning());
        assertEquals(OptionalInt.of(0), sized.numaNode());
        assertEquals(0, sized.btfValueTypeId(), "sizes only: no value type");

        assertEquals(3, maps.get("obj_bloom").mapExtra(), "bloom filter hash count from map_extra");
        assertEquals(5, maps.get("obj_bloom_ulong").mapExtra(), "map_extra in the __ulong (enum) form");

        MapSpec outer = maps.get("obj_outer");
        assertEquals(MapType.ARRAY_OF_MAPS, outer.type());
        MapSpec inner = outer.innerMap().orElseThrow();
        assertEquals(MapType.ARRAY, inner.type());
        assertEquals(8, inner.maxEntries());
        assertEquals(8, inner.valueSize());

        MapSpec jumps = maps.get("obj_jumps");
        assertEquals(MapType.PROG_ARRAY, jumps.type());
        assertEquals(4, jumps.valueSize());
        assertEquals(3, jumps.maxEntries());
    }

    @Test
    void btfMapFormsLoadWithTheirInitialSlots() throws Exception {
        Kernel.assumeRoot();
        KernelFeature.assumeMapType(MapType.BLOOM_FILTER); // obj_forms has bloom filters (Linux 5.16)
        // A pin directory of our own: other helpers pin under /sys/fs/bpf at the same time.
        Path pins = Kernel.bpffs()
                .resolve("bpf4j_elf_forms_" + ProcessHandle.current().pid());
        Files.createDirectories(pins);
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("obj_forms")).load(pins, 0)) {
            assertTrue(Files.exists(pins.resolve("obj_sized")), "pinned by name");
            assertEquals(3, obj.map("obj_bloom").info().mapExtra());
            byte[] zero = new byte[4];
            byte[] one = {1, 0, 0, 0};
            byte[] two = {2, 0, 0, 0};
            // Program arrays and map-in-map answer lookups with the id of what sits in the slot.
            assertTrue(obj.map("obj_jumps").lookup(zero).isEmpty(), "slot 0 left empty");
            assertTrue(obj.map("obj_jumps").lookup(one).isPresent(), "slot 1 = obj_tail_a");
            assertTrue(obj.map("obj_jumps").lookup(two).isPresent(), "slot 2 = obj_tail_b");
            assertTrue(obj.map("obj_outer").lookup(zero).isPresent(), "slot 0 = obj_inner_a");
            assertTrue(obj.map("obj_outer").lookup(one).isEmpty(), "slot 1 left empty");
            assertTrue(obj.map("obj_outer").lookup(two).isPresent(), "slot 2 = obj_inner_b");
        } finally {
            try (var files = Files.list(pins)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(pins);
        }
    }

    @Test
    void everyGlobalSectionBecomesAnArrayMap() {
        Map<String, MapSpec> maps =
                ObjectSpec.read(Kernel.bpfObject("obj_forms")).maps();
        for (String sec : new String[] {".data", ".rodata", ".bss", ".data.custom", ".rodata.custom", ".kconfig"}) {
            MapSpec m = maps.get(sec);
            assertTrue(m != null, sec + " missing from " + maps.keySet());
            assertEquals(MapType.ARRAY, m.type(), sec);
            assertEquals(1, m.maxEntries(), sec);
        }
        assertEquals(8, maps.get(".bss").valueSize(), "one u64");
        assertEquals(4, maps.get(".rodata.custom").valueSize());
    }

    @Test
    void legacyMapsSectionIsReadAndLoads() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("obj_legacy"));
        MapSpec hash = spec.maps().get("obj_legacy_hash");
        assertTrue(hash != null, spec.toString());
        assertEquals(MapType.HASH, hash.type());
        assertEquals(4, hash.keySize());
        assertEquals(8, hash.valueSize());
        assertEquals(16, hash.maxEntries());
        assertEquals(MapType.ARRAY, spec.maps().get("obj_legacy_array").type());
        ProgramSpec prog = spec.program("obj_legacy_prog").orElseThrow();
        assertEquals(0x060c00, prog.kernelVersion(), "the version section");

        Kernel.assumeRoot();
        try (BpfObject obj = spec.load()) {
            assertTrue(obj.programs().get("obj_legacy_prog").fd() > 0);
            assertEquals(
                    2,
                    obj.maps().keySet().stream()
                            .filter(n -> n.startsWith("obj_legacy_"))
                            .count(),
                    obj.maps().keySet().toString());
        }
    }

    @Test
    void legacyMapPastTheSectionEndIsRefused() throws Exception {
        byte[] raw = Files.readAllBytes(Kernel.bpfObject("obj_legacy"));
        // Shrink the "maps" section's declared size so the second record no longer fits.
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shnum = b.getShort(0x3c) & 0xffff;
        int strndx = b.getShort(0x3e) & 0xffff;
        long strOff = b.getLong((int) (shoff + strndx * 64L + 0x18));
        boolean shrunk = false;
        for (int i = 1; i < shnum; i++) {
            int h = (int) (shoff + i * 64L);
            int name = b.getInt(h);
            if (new String(raw, (int) strOff + name, 5).equals("maps\0")) {
                b.putLong(h + 0x20, 30);
                shrunk = true;
            }
        }
        assertTrue(shrunk, "obj_legacy has a maps section");
        var e = assertThrows(ObjectFormatException.class, () -> ObjectSpec.read(raw, "short-maps.o"));
        assertTrue(e.getMessage().contains("short-maps.o") && e.getMessage().contains("section maps"), e.getMessage());
    }

    @Test
    void sectionNamesAcrossTheTableAreTyped() {
        ObjectSpec spec = ObjectSpec.read(Kernel.bpfObject("obj_sections"));
        assertEquals(40, spec.programs().size(), spec.toString());
        check(spec, "s_tp", ProgramType.TRACEPOINT, Optional.empty(), "sched/sched_switch", 0);
        check(spec, "s_raw_tp", ProgramType.RAW_TRACEPOINT, Optional.empty(), "sched_switch", 0);
        check(spec, "s_tp_btf", ProgramType.TRACING, Optional.of(AttachType.TRACE_RAW_TP), "sched_switch", 0);
        check(spec, "s_ksyscall", ProgramType.KPROBE, Optional.empty(), "openat", 0);
        check(spec, "s_kprobe_multi", ProgramType.KPROBE, Optional.of(AttachType.TRACE_KPROBE_MULTI), "do_*", 0);
        check(
                spec,
                "s_uretprobe_s",
                ProgramType.KPROBE,
                Optional.empty(),
                "/bin/bash:readline",
                ProgramFlags.SLEEPABLE);
        check(
                spec,
                "s_fexit_s",
                ProgramType.TRACING,
                Optional.of(AttachType.TRACE_FEXIT),
                "do_unlinkat",
                ProgramFlags.SLEEPABLE);
        check(spec, "s_fmod_ret", ProgramType.TRACING, Optional.of(AttachType.MODIFY_RETURN), "security_file_open", 0);
        check(spec, "s_lsm_s", ProgramType.LSM, Optional.of(AttachType.LSM_MAC), "file_open", ProgramFlags.SLEEPABLE);
        check(spec, "s_iter", ProgramType.TRACING, Optional.of(AttachType.TRACE_ITER), "task", 0);
        check(spec, "s_xdp_frags", ProgramType.XDP, Optional.of(AttachType.XDP), "", ProgramFlags.XDP_HAS_FRAGS);
        check(spec, "s_xdp_devmap", ProgramType.XDP, Optional.of(AttachType.XDP_DEVMAP), "", 0);
        check(spec, "s_tcx_egress", ProgramType.SCHED_CLS, Optional.of(AttachType.TCX_EGRESS), "", 0);
        check(
                spec,
                "s_cgroup_connect4",
                ProgramType.CGROUP_SOCK_ADDR,
                Optional.of(AttachType.CGROUP_INET4_CONNECT),
                "",
                0);
        check(spec, "s_sk_skb", ProgramType.SK_SKB, Optional.of(AttachType.SK_SKB_STREAM_VERDICT), "", 0);
        check(spec, "s_lwt_in", ProgramType.LWT_IN, Optional.empty(), "", 0);
        check(spec, "s_syscall", ProgramType.SYSCALL, Optional.empty(), "", ProgramFlags.SLEEPABLE);
        check(spec, "s_netfilter", ProgramType.NETFILTER, Optional.of(AttachType.NETFILTER), "", 0);
        check(spec, "s_sk_reuseport", ProgramType.SK_REUSEPORT, Optional.of(AttachType.SK_REUSEPORT_SELECT), "", 0);
        // Two programs in one section stay two programs.
        check(spec, "s_kprobe_read_a", ProgramType.KPROBE, Optional.empty(), "vfs_read", 0);
        check(spec, "s_kprobe_read_b", ProgramType.KPROBE, Optional.empty(), "vfs_read", 0);
    }

    @Test
    void objectWithoutDebugInfoParses(@TempDir Path dir) throws Exception {
        Path src = Path.of("src/test/bpf/obj_legacy.bpf.c");
        Path obj = dir.resolve("obj_legacy_nog.bpf.o");
        Process p = new ProcessBuilder(
                        "clang-16",
                        "-O2",
                        "-target",
                        "bpf",
                        "-Isrc/test/bpf/include",
                        "-I/usr/include/x86_64-linux-gnu",
                        "-c",
                        src.toString(),
                        "-o",
                        obj.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "clang failed: " + out);
        ObjectSpec spec = ObjectSpec.read(obj);
        assertEquals(
                ProgramType.SOCKET_FILTER,
                spec.program("obj_legacy_prog").orElseThrow().type());
        assertEquals(16, spec.maps().get("obj_legacy_hash").maxEntries(), spec.toString());
    }

    /** Seeded and bounded, over the objects whose forms the other fuzzer's objects lack (legacy maps, every BTF map field). */
    @Test
    void mutatedFormObjectsFailOnlyWithObjectFormatException() throws Exception {
        java.util.Random rnd = new java.util.Random(0x0b1ec7L);
        int refused = 0;
        for (String name : new String[] {"obj_legacy", "obj_forms", "obj_sections"}) {
            byte[] real = Files.readAllBytes(Kernel.bpfObject(name));
            for (int i = 0; i < 400; i++) {
                byte[] m = real.clone();
                for (int f = 1 + rnd.nextInt(6); f > 0; f--) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
                try {
                    ObjectSpec.read(m, name + "#" + i).toString();
                } catch (ObjectFormatException expected) {
                    refused++;
                    assertTrue(expected.getMessage().contains(name + "#" + i), expected.getMessage());
                } catch (Throwable t) {
                    throw new AssertionError("mutant " + i + " of " + name + " failed with " + t, t);
                }
            }
        }
        assertTrue(refused > 0, "no mutant was refused: the fuzzer never reached a checked field");
    }

    private static void check(
            ObjectSpec spec, String name, ProgramType type, Optional<AttachType> attach, String target, int flags) {
        ProgramSpec p = spec.program(name).orElseThrow(() -> new AssertionError(name + " missing from " + spec));
        assertEquals(type, p.type(), name);
        assertEquals(attach, p.attachType(), name);
        assertEquals(target, p.attachTo(), name);
        assertEquals(flags, p.flags(), name);
    }
}
