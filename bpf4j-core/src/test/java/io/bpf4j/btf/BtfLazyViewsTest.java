package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Btf} answers in two ways: decoded {@link Type} records, and the {@link CoreTypes} queries
 * that read the record bytes in place. On every vmlinux type both must say the same; and name
 * lookups must give the same ids whether they scan or use the index.
 */
class BtfLazyViewsTest {
    @Test
    void coreTypesQueriesAgreeWithDecodedRecordsOnEveryVmlinuxType() throws Exception {
        Btf btf = Btf.parse(BtfTestFiles.vmlinux());
        for (int id = 1; id < btf.typeCount(); id++) {
            String at = "type [" + id + "]";
            Type t = btf.type(id);
            assertEquals(t.kind(), btf.kind(id), at);
            assertEquals(t instanceof Type.Void ? "" : t.name(), btf.name(id), at);
            switch (t) {
                case Type.Struct s -> members(btf, id, s.size(), s.members(), at);
                case Type.Union u -> members(btf, id, u.size(), u.members(), at);
                case Type.Enum e -> enumerators(btf, id, e.signed(), e.values(), at);
                case Type.Enum64 e -> enumerators(btf, id, e.signed(), e.values(), at);
                case Type.Int i -> {
                    assertEquals(i.size(), btf.size(id), at);
                    assertEquals(i.signed(), btf.intSigned(id), at);
                    assertEquals(i.bitOffset(), btf.intBitOffset(id), at);
                }
                case Type.Array a -> {
                    assertEquals(a.elementId(), btf.arrayElement(id), at);
                    assertEquals(a.length(), btf.arrayLength(id), at);
                }
                case Type.Ptr p -> assertEquals(p.targetId(), btf.ref(id), at);
                case Type.Typedef x -> assertEquals(x.targetId(), btf.ref(id), at);
                case Type.Const x -> assertEquals(x.targetId(), btf.ref(id), at);
                case Type.Volatile x -> assertEquals(x.targetId(), btf.ref(id), at);
                case Type.Func f -> assertEquals(f.protoId(), btf.ref(id), at);
                case Type.Var v -> assertEquals(v.typeId(), btf.ref(id), at);
                case Type.FuncProto fp -> {
                    assertEquals(fp.returnTypeId(), btf.ref(id), at);
                    assertEquals(fp.params().size(), btf.vlen(id), at);
                    for (int i = 0; i < fp.params().size(); i++) {
                        assertEquals(fp.params().get(i).name(), btf.memberName(id, i), at);
                        assertEquals(fp.params().get(i).typeId(), btf.memberType(id, i), at);
                    }
                }
                default -> {}
            }
        }
        assertSame(btf.type(1), btf.type(1), "a decoded record is kept");
    }

    private static void members(Btf btf, int id, int size, List<Type.Member> ms, String at) {
        assertEquals(size, btf.size(id), at);
        assertEquals(ms.size(), btf.vlen(id), at);
        for (int i = 0; i < ms.size(); i++) {
            Type.Member m = ms.get(i);
            assertEquals(m.name(), btf.memberName(id, i), at);
            assertEquals(m.typeId(), btf.memberType(id, i), at);
            assertEquals(m.bitOffset(), btf.memberBitOffset(id, i), at);
            assertEquals(m.bitfieldSize(), btf.memberBitfieldSize(id, i), at);
        }
    }

    private static void enumerators(Btf btf, int id, boolean signed, List<Type.Enumerator> vs, String at) {
        assertEquals(signed, btf.enumSigned(id), at);
        assertEquals(vs.size(), btf.vlen(id), at);
        for (int i = 0; i < vs.size(); i++) {
            assertEquals(vs.get(i).name(), btf.memberName(id, i), at);
            assertEquals(vs.get(i).value(), btf.enumValue(id, i), at);
        }
    }

    @Test
    void nameLookupsGiveTheSameIdsScanningAndIndexed() throws Exception {
        Btf btf = Btf.parse(BtfTestFiles.vmlinux());
        // Every id of each name, found by walking all types: what both lookup paths must return.
        List<String> probes = List.of("task_struct", "int", "list_head", "u32", "sk_buff", "bpf_map", "no_such_type_x");
        List<List<Integer>> expected = new ArrayList<>();
        for (String n : probes) {
            List<Integer> ids = new ArrayList<>();
            for (int id = 1; id < btf.typeCount(); id++) {
                if (btf.name(id).equals(n)) {
                    ids.add(id);
                }
            }
            expected.add(ids);
        }
        List<List<Integer>> first = new ArrayList<>();
        List<List<Integer>> again = new ArrayList<>();
        for (String n : probes) {
            first.add(btf.idsByName(n)); // the first lookups scan, later ones build and use the index
        }
        for (String n : probes) {
            again.add(btf.idsByName(n));
        }
        assertEquals(expected, first);
        assertEquals(expected, again);
        assertNotSame(first, again);
        // Essential names: every "X___flavor" and "X" itself.
        List<Integer> essential = btf.idsWithEssentialName("task_struct");
        List<Integer> want = new ArrayList<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            if (CoreTypes.essentialName(btf.name(id)).equals("task_struct")) {
                want.add(id);
            }
        }
        assertEquals(want, essential);
    }

    @Test
    void findIdGivesTheFirstOfItsKindScanningAndIndexed() throws Exception {
        byte[] blob = BtfTestFiles.vmlinux();
        // Names that several kinds share (a struct and its typedef, a FWD and its STRUCT) and one absent.
        List<String> probes = List.of("task_struct", "int", "u32", "pid_t", "sk_buff", "no_such_type_x");
        List<Class<? extends Type>> kinds =
                List.of(Type.Struct.class, Type.Int.class, Type.Typedef.class, Type.Fwd.class);
        Btf walked = Btf.parse(blob);
        for (Class<? extends Type> kind : kinds) {
            Btf scanning = Btf.parse(blob); // its first two lookups scan and stop at the first match
            Btf indexed = Btf.parse(blob);
            for (int i = 0; i < 3; i++) {
                indexed.findId("warm_up_the_index", kind);
            }
            for (String n : probes) {
                java.util.Optional<Integer> want = java.util.Optional.empty();
                for (int id = 1; id < walked.typeCount() && want.isEmpty(); id++) {
                    if (walked.name(id).equals(n) && kind.isInstance(walked.type(id))) {
                        want = java.util.Optional.of(id);
                    }
                }
                Btf fresh = Btf.parse(blob);
                assertEquals(want, fresh.findId(n, kind), n + " as " + kind.getSimpleName() + ", scanned");
                assertEquals(want, indexed.findId(n, kind), n + " as " + kind.getSimpleName() + ", indexed");
                assertEquals(want, scanning.findId(n, kind), n + " as " + kind.getSimpleName());
            }
        }
    }
}
