package io.bpf4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test access to the load plan the library's ELF front end ({@link ObjectSpec}) makes of an object file. */
final class ElfLoadFixture {
    private ElfLoadFixture() {}

    static LoadPlan plan(Path file) {
        return ObjectSpec.read(file).plan();
    }

    /** The plan, with {@code rodataEdits} bytes overriding the initial .rodata contents at their offsets. */
    static LoadPlan plan(Path file, Map<Integer, byte[]> rodataEdits) {
        LoadPlan p = plan(file);
        List<LoadPlan.MapPlan> maps = new ArrayList<>();
        for (LoadPlan.MapPlan m : p.maps()) {
            if (m.name().equals(".rodata") && m.globalSection().isPresent()) {
                byte[] init = m.globalSection().get().clone();
                rodataEdits.forEach((off, bytes) -> System.arraycopy(bytes, 0, init, off, bytes.length));
                m = new LoadPlan.MapPlan(m.name(), m.spec(), Optional.of(init), m.initialSlots(), m.reuseFd());
            }
            maps.add(m);
        }
        return new LoadPlan(
                p.objectName(),
                p.btf(),
                p.types(),
                p.btfLayout(),
                maps,
                p.code(),
                p.functions(),
                p.references(),
                p.core(),
                p.funcInfos(),
                p.lineInfos(),
                p.programs(),
                p.kconfig(),
                p.ksyms());
    }
}
