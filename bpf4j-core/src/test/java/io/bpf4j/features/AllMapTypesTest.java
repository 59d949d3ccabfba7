package io.bpf4j.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfMap;
import io.bpf4j.MapFlags;
import io.bpf4j.MapInfo;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.NotSupportedException;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every map type of the kernel, created for real; the refused ones fail with the kernel's reason. */
class AllMapTypesTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    static MapSpec spec(MapType type) {
        MapSpec.Builder b = MapSpec.builder(type)
                .name("t_" + type.name().toLowerCase())
                .keySize(4)
                .valueSize(4)
                .maxEntries(4);
        return switch (type) {
            case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH ->
                b.valueSize(8).build();
            case STACK_TRACE -> b.valueSize(8 * 127).build();
            case LPM_TRIE -> b.keySize(8).flags(MapFlags.NO_PREALLOC).build();
            case ARRAY_OF_MAPS, HASH_OF_MAPS ->
                b.innerMap(MapSpec.builder(MapType.ARRAY)
                                .keySize(4)
                                .valueSize(4)
                                .maxEntries(1)
                                .build())
                        .build();
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE ->
                b.keySize(16).valueSize(8).maxEntries(0).build();
            case QUEUE, STACK -> b.keySize(0).build();
            case BLOOM_FILTER -> b.keySize(0).maxEntries(64).mapExtra(3).build();
            case RINGBUF, USER_RINGBUF ->
                b.keySize(0).valueSize(0).maxEntries(4096).build();
            case ARENA ->
                b.keySize(0).valueSize(0).maxEntries(1).flags(MapFlags.MMAPABLE).build();
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE ->
                b.maxEntries(0).flags(MapFlags.NO_PREALLOC).btfTypeIds(1, 2).build();
            case INSN_ARRAY -> b.valueSize(16).build();
            case STRUCT_OPS -> {
                int[] idSize = structOpsType("bpf_struct_ops_tcp_congestion_ops");
                yield b.valueSize(idSize[1])
                        .maxEntries(1)
                        .btfVmlinuxValueTypeId(idSize[0])
                        .build();
            }
            default -> b.build();
        };
    }

    /** The kernel BTF id and size of a struct, read with bpftool (a test-only comparison tool). */
    static int[] structOpsType(String name) {
        try {
            Process p = new ProcessBuilder("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux")
                    .redirectErrorStream(true)
                    .start();
            Pattern re = Pattern.compile("^\\[(\\d+)] STRUCT '" + name + "' size=(\\d+)");
            try (var r = p.inputReader()) {
                String line;
                int[] found = null;
                while ((line = r.readLine()) != null) {
                    Matcher m = re.matcher(line);
                    if (found == null && m.find()) {
                        found = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
                    }
                }
                p.waitFor();
                KernelFeature.assume(found != null, "struct_ops type " + name, "kernel BTF has no " + name);
                return found;
            }
        } catch (IOException | InterruptedException e) {
            Assumptions.abort("bpftool is needed to find the struct_ops type: " + e);
            return null;
        }
    }

    @ParameterizedTest
    @EnumSource(MapType.class)
    void everyMapTypeIsCreated(MapType type) {
        MapSpec spec = spec(type);
        if (!MapFeatures.supports(type)) {
            // The probe says the kernel lacks the type: creating one says so by name, then the test skips.
            NotSupportedException e = assertThrows(
                    NotSupportedException.class, () -> BpfMap.create(spec).close());
            assertTrue(e.getMessage().contains(type.name()), e.getMessage());
            assertEquals(Optional.of(type.since()).filter(v -> !v.isEmpty()), e.since());
            KernelFeature.assumeMapType(type);
        }
        io.bpf4j.btf.BtfHandle btf = null;
        try {
            if (spec.btfKeyTypeId() != 0 || spec.btfVmlinuxValueTypeId() != 0) {
                // struct_ops: the kernel wants any loaded BTF in btf_fd beside the vmlinux type id.
                btf = io.bpf4j.btf.BtfHandle.loadRaw(
                        io.bpf4j.internal.sys.LocalStorageProbe.blob(), "local storage BTF");
            }
            if (type == MapType.STRUCT_OPS) {
                // Without a BTF fd the kernel gives a bare EINVAL; bpf4j says so before the syscall.
                assertThrows(IllegalArgumentException.class, () -> BpfMap.create(spec));
            }
            try (BpfMap map = btf == null ? BpfMap.create(spec) : BpfMap.create(spec, btf)) {
                MapInfo info = map.info();
                assertEquals(Optional.of(type), info.type());
                assertEquals(spec.name().substring(0, Math.min(15, spec.name().length())), info.name());
                assertEquals(spec.keySize(), info.keySize());
            }
        } finally {
            if (btf != null) {
                btf.close();
            }
        }
    }

    @Test
    void probesAreCachedAndAgreeWithTheKernelFacts() {
        assertTrue(MapFeatures.supports(MapType.HASH));
        assertTrue(MapFeatures.supports(MapType.RINGBUF));
        // INSN_ARRAY came after Linux 6.18 (7.3 has it): the probe agrees with the kernel's own enum
        boolean known = io.bpf4j.btf.KernelBtf.vmlinux()
                .find("bpf_map_type", io.bpf4j.btf.Type.Enum.class)
                .orElseThrow()
                .values()
                .stream()
                .anyMatch(v -> v.name().equals("BPF_MAP_TYPE_INSN_ARRAY"));
        assertEquals(known, MapFeatures.supports(MapType.INSN_ARRAY), MapFeatures.reason(MapType.INSN_ARRAY));
        if (!known) {
            assertTrue(
                    MapFeatures.reason(MapType.INSN_ARRAY).contains("EINVAL"), MapFeatures.reason(MapType.INSN_ARRAY));
        }
        assertEquals(MapFeatures.probeErrno(MapType.INSN_ARRAY), MapFeatures.probeErrno(MapType.INSN_ARRAY));
    }
}
