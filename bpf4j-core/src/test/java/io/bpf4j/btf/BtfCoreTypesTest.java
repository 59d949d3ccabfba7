package io.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The type model's CoreTypes view answers exactly like CoreRawBtf over the same vmlinux bytes. */
class BtfCoreTypesTest {
    @Test
    void agreesWithCoreRawBtfOnEveryVmlinuxType() throws Exception {
        byte[] raw = BtfTestFiles.vmlinux();
        CoreTypes a = CoreRawBtf.parse(raw);
        CoreTypes b = new BtfCoreTypes(Btf.parse(raw));
        assertEquals(a.typeCount(), b.typeCount());
        for (int id = 1; id < a.typeCount(); id++) {
            String at = "type [" + id + "]";
            assertEquals(a.kind(id), b.kind(id), at);
            assertEquals(a.name(id), b.name(id), at);
            assertEquals(a.vlen(id), b.vlen(id), at);
            switch (a.kind(id)) {
                case CoreTypes.STRUCT, CoreTypes.UNION -> {
                    assertEquals(a.size(id), b.size(id), at);
                    for (int i = 0; i < a.vlen(id); i++) {
                        assertEquals(a.memberName(id, i), b.memberName(id, i), at);
                        assertEquals(a.memberType(id, i), b.memberType(id, i), at);
                        assertEquals(a.memberBitOffset(id, i), b.memberBitOffset(id, i), at);
                        assertEquals(a.memberBitfieldSize(id, i), b.memberBitfieldSize(id, i), at);
                    }
                }
                case CoreTypes.ENUM, CoreTypes.ENUM64 -> {
                    assertEquals(a.enumSigned(id), b.enumSigned(id), at);
                    for (int i = 0; i < a.vlen(id); i++) {
                        assertEquals(a.memberName(id, i), b.memberName(id, i), at);
                        assertEquals(a.enumValue(id, i), b.enumValue(id, i), at);
                    }
                }
                case CoreTypes.INT -> {
                    assertEquals(a.size(id), b.size(id), at);
                    assertEquals(a.intSigned(id), b.intSigned(id), at);
                }
                case CoreTypes.ARRAY -> {
                    assertEquals(a.arrayElement(id), b.arrayElement(id), at);
                    assertEquals(a.arrayLength(id), b.arrayLength(id), at);
                }
                case CoreTypes.PTR, CoreTypes.TYPEDEF, CoreTypes.CONST, CoreTypes.VOLATILE, CoreTypes.FUNC, CoreTypes.VAR ->
                        assertEquals(a.ref(id), b.ref(id), at);
                default -> { }
            }
        }
        assertEquals(a.idsNamed("task_struct"), b.idsNamed("task_struct"));
        assertEquals(a.idsWithEssentialName("task_struct"), b.idsWithEssentialName("task_struct"));
    }
}
