package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole kernel BTF, checked type by type against bpftool's dump. */
class BtfVmlinuxTest {
    private static final Pattern TYPE_LINE = Pattern.compile("^\\[(\\d+)] (\\w+) '([^']*)'.*");
    private static final Pattern MEMBER_LINE =
            Pattern.compile("^\\t'([^']*)' type_id=(\\d+) bits_offset=(\\d+)(?: bitfield_size=(\\d+))?$");

    private static Btf btf;
    private static List<String> dump;

    @BeforeAll
    static void parse() throws Exception {
        btf = Btf.parse(BtfTestFiles.vmlinux());
        dump = BtfTestFiles.bpftoolDump(Path.of("/sys/kernel/btf/vmlinux"));
    }

    @Test
    void everyTypeHasBpftoolsIdKindAndName() {
        int seen = 0;
        for (String line : dump) {
            Matcher m = TYPE_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int id = Integer.parseInt(m.group(1));
            Type t = btf.type(id);
            assertEquals(m.group(2), BtfTestFiles.KIND_NAMES[t.kind()], "kind of [" + id + "]");
            String expected = m.group(3).equals("(anon)") ? "" : m.group(3);
            assertEquals(expected, t.name(), "name of [" + id + "]");
            seen++;
        }
        assertEquals(btf.typeCount() - 1, seen);
        assertTrue(seen > 50_000, "vmlinux has " + seen + " types");
    }

    @Test
    void everyMemberOfEveryStructMatchesBpftool() {
        int id = 0;
        int member = 0;
        int checked = 0;
        for (String line : dump) {
            Matcher t = TYPE_LINE.matcher(line);
            if (t.matches()) {
                id = Integer.parseInt(t.group(1));
                member = 0;
                continue;
            }
            Matcher m = MEMBER_LINE.matcher(line);
            if (!m.matches() || !(btf.type(id) instanceof Type.Struct || btf.type(id) instanceof Type.Union)) {
                continue;
            }
            List<Type.Member> ms =
                    btf.type(id) instanceof Type.Struct s ? s.members() : ((Type.Union) btf.type(id)).members();
            Type.Member got = ms.get(member++);
            String where = "[" + id + "] member " + (member - 1);
            assertEquals(m.group(1).equals("(anon)") ? "" : m.group(1), got.name(), where);
            assertEquals(Integer.parseInt(m.group(2)), got.typeId(), where);
            assertEquals(Integer.parseInt(m.group(3)), got.bitOffset(), where);
            assertEquals(m.group(4) == null ? 0 : Integer.parseInt(m.group(4)), got.bitfieldSize(), where);
            checked++;
        }
        assertTrue(checked > 40_000, checked + " members checked"); // 5.10: 49,941
    }

    @Test
    void taskStructPidTgidAndComm() {
        Type.Struct task = btf.find("task_struct", Type.Struct.class).orElseThrow();
        int taskId = btf.findId("task_struct", Type.Struct.class).orElseThrow();
        assertEquals(task.size(), btf.sizeof(taskId));
        Type.Member pid = member(task, "pid");
        Type.Member tgid = member(task, "tgid");
        Type.Member comm = member(task, "comm");
        assertEquals("pid_t", btf.cName(pid.typeId()));
        assertEquals(4, btf.sizeof(pid.typeId()));
        assertEquals(pid.bitOffset() + 32, tgid.bitOffset());
        assertEquals("char[16]", btf.cName(comm.typeId()));
        assertEquals(16, btf.sizeof(comm.typeId()));
        assertEquals("int", btf.cName(btf.resolve(pid.typeId())));
        assertEquals(8, btf.alignof(taskId) >= 8 ? 8 : btf.alignof(taskId));
        assertEquals("struct task_struct *", btf.cName(member(task, "parent").typeId()));
    }

    @Test
    void nameIndexFindsEveryKind() {
        assertTrue(btf.find("int", Type.Int.class).orElseThrow().signed());
        assertTrue(btf.find("bpf_map_type", Type.Enum.class).isPresent());
        assertTrue(btf.find("do_exit", Type.Func.class).isPresent());
        assertTrue(btf.find("no_such_type_in_the_kernel", Type.Struct.class).isEmpty());
        assertTrue(btf.idsByName("").isEmpty());
    }

    @Test
    void kernelBtfIsParsedOnceAndShared() {
        assertSame(KernelBtf.vmlinux(), KernelBtf.vmlinux());
        assertEquals(btf.typeCount(), KernelBtf.vmlinux().typeCount());
        assertTrue(KernelBtf.module("bpf4j_btf_no_such_module").isEmpty());
    }

    static Type.Member member(Type.Struct s, String name) {
        return s.members().stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name));
    }
}
