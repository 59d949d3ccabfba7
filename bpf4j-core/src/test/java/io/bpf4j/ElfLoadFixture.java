package io.bpf4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test access to the {@link LoadPlan} of an object read through the library's front end
 * ({@link ObjectSpec}), with raw {@code .rodata} byte edits for tests that bypass BTF checks.
 */
final class ElfLoadFixture {
    private ElfLoadFixture() {
    }

    static LoadPlan plan(Path file) throws Exception {
        return plan(file, Map.of());
    }

    /** The plan, with {@code rodata} bytes overriding the initial .rodata contents at their offsets. */
    static LoadPlan plan(Path file, Map<Integer, byte[]> rodataEdits) throws Exception {
        LoadPlan plan = ObjectSpec.read(file).plan();
        if (rodataEdits.isEmpty()) {
            return plan;
        }
        List<LoadPlan.MapPlan> maps = new ArrayList<>(plan.maps());
        for (int i = 0; i < maps.size(); i++) {
            LoadPlan.MapPlan m = maps.get(i);
            if (m.name().equals(".rodata")) {
                byte[] init = m.globalSection().orElseThrow().clone();
                rodataEdits.forEach((off, bytes) -> System.arraycopy(bytes, 0, init, off, bytes.length));
                maps.set(i, new LoadPlan.MapPlan(m.name(), m.spec(), Optional.of(init), m.initialSlots(), m.reuseFd()));
            }
        }
        return new LoadPlan(plan.objectName(), plan.btf(), plan.btfLayout(), maps, plan.code(), plan.functions(),
                plan.references(), plan.core(), plan.funcInfos(), plan.lineInfos(), plan.programs(), plan.kconfig(),
                plan.ksyms());
    }
}
