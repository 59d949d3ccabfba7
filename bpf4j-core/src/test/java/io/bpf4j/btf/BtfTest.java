package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.internal.elf.ElfFile;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The public BTF model over the kernel's BTF and a clang object's .BTF. */
class BtfTest {

    @Test
    void everyVmlinuxTypeDecodes() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel without BTF");
        Btf btf = KernelBtf.vmlinux();
        assertSame(btf, KernelBtf.vmlinux(), "loaded once and shared");
        assertTrue(btf.typeCount() > 50_000, btf.toString());
        Set<Class<?>> kinds = new HashSet<>();
        for (int id = 0; id < btf.typeCount(); id++) {
            Type t = btf.type(id);
            assertEquals(id, t.id());
            kinds.add(t.getClass());
            btf.cName(id);
        }
        for (Class<?> k : List.of(Type.Int.class, Type.Pointer.class, Type.Array.class, Type.Struct.class, Type.Union.class,
                Type.Enum.class, Type.Fwd.class, Type.Typedef.class, Type.Volatile.class, Type.Const.class,
                Type.Func.class, Type.FuncProto.class, Type.Var.class, Type.Datasec.class)) {
            assertTrue(kinds.contains(k), "vmlinux has a " + k.getSimpleName());
        }
    }

    @Test
    void taskStructMembers() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "kernel without BTF");
        Btf btf = KernelBtf.vmlinux();
        Type.Struct task = btf.find("task_struct", Type.Struct.class).orElseThrow();
        Map<String, Type.Member> m = task.members().stream().filter(x -> !x.name().isEmpty())
                .collect(Collectors.toMap(Type.Member::name, x -> x, (a, b) -> a));
        assertEquals("pid_t", btf.cName(m.get("pid").type()));
        assertEquals(4, btf.sizeof(m.get("pid").type()));
        assertEquals(4, btf.sizeof(m.get("tgid").type()));
        assertEquals(m.get("pid").bitOffset() + 32, m.get("tgid").bitOffset(), "tgid follows pid");
        assertEquals("char[16]", btf.cName(m.get("comm").type()));
        assertEquals(16, btf.sizeof(m.get("comm").type()));
        assertEquals(1, btf.alignof(m.get("comm").type()));
        assertTrue(btf.resolve(m.get("pid").type()) instanceof Type.Int i && i.signed() && i.size() == 4);
        assertEquals(task.size(), btf.sizeof(task.id()));
        assertTrue(btf.alignof(task.id()) >= 8);
        assertThrows(IllegalArgumentException.class, () -> btf.type(btf.typeCount()));
    }

    @Test
    void objectBtfDatasecsAndMapDefinitions() throws Exception {
        Path obj = Kernel.bpfObject("spec_everything");
        ElfFile elf = ElfFile.parse(obj.toString(), Files.readAllBytes(obj));
        Btf btf = Btf.parse(elf.data(elf.section(".BTF").orElseThrow()));
        Type.Datasec maps = btf.find(".maps", Type.Datasec.class).orElseThrow();
        List<String> names = maps.vars().stream().map(v -> btf.type(v.type()).name()).toList();
        assertTrue(names.containsAll(List.of("spec_typed", "spec_outer", "spec_jumps")), names.toString());
        Type.Var typed = btf.find("spec_typed", Type.Var.class).orElseThrow();
        Type.Struct def = (Type.Struct) btf.resolve(typed.type());
        assertEquals(List.of("type", "key", "value", "max_entries", "map_flags", "pinning"),
                def.members().stream().map(Type.Member::name).toList());
        Type.Struct pair = btf.find("pair", Type.Struct.class).orElseThrow();
        assertEquals(16, btf.sizeof(pair.id()));
        assertEquals(8, btf.alignof(pair.id()));
        assertEquals("struct pair *", btf.cName(((Type.Pointer) btf.type(def.members().get(2).type())).id()));
        Type.Func helper = btf.find("spec_helper", Type.Func.class).orElseThrow();
        assertEquals(0, helper.linkage(), "static");
        Type.FuncProto proto = (Type.FuncProto) btf.type(helper.proto());
        assertEquals("x", proto.params().get(0).name());
        Type.Datasec kconfig = btf.find(".kconfig", Type.Datasec.class).orElseThrow();
        assertEquals(2, kconfig.vars().size());
        assertEquals(2, ((Type.Var) btf.type(kconfig.vars().get(0).type())).linkage(), "extern");
    }
}
