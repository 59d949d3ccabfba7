package io.bpf4j.examples;

import io.bpf4j.BpfObject;
import io.bpf4j.ExternSpec;
import io.bpf4j.ObjectSpec;
import io.bpf4j.asm.Instruction;
import io.bpf4j.btf.TypeRef;

/**
 * What an object holds before it is loaded, read from its file alone (no kernel needed for the
 * first part): programs with their instructions, maps with their BTF key and value types, global
 * variables with their values, externs; then the same object edited and loaded.
 *
 * <p>Run (as root): {@code ./mvnw -q -Pexample -DskipTests verify -Dexample.main=io.bpf4j.examples.ObjectTour}
 */
public final class ObjectTour {
    private ObjectTour() {}

    public static void main(String[] args) {
        ObjectSpec spec = ObjectSpec.readResource("bpf/typed_execsnoop.bpf.o");

        System.out.println("object " + spec.name());
        spec.programs().forEach((name, p) -> {
            System.out.printf(
                    "  program %s: %s, SEC(\"%s\"), %d instructions%n",
                    name, p.type(), p.sectionName(), p.instructions().size());
            for (Instruction insn : p.instructions()) {
                insn.metadata().reference().ifPresent(r -> System.out.println("    refers to " + r));
            }
        });
        spec.maps()
                .forEach((name, m) -> System.out.printf(
                        "  map %s: %s, key %s, value %s, max %d%n",
                        name,
                        m.type(),
                        m.keyType().map(TypeRef::cName).orElse(m.keySize() + " bytes"),
                        m.valueType().map(TypeRef::cName).orElse(m.valueSize() + " bytes"),
                        m.maxEntries()));
        spec.variables()
                .forEach((name, v) -> System.out.printf(
                        "  variable %s %s in %s = %d%s%n",
                        v.type().cName(), name, v.section(), v.longValue(), v.readOnly() ? " (constant)" : ""));
        for (ExternSpec e : spec.externs()) {
            System.out.println("  extern " + e.name());
        }

        // Edits return a new spec; the one read above is unchanged.
        ObjectSpec edited = spec.withConstant("target_uid", 0) // only execs by root
                .withMaxEntries("counts", 4096)
                .withMaxEntries("events", 1 << 20);
        System.out.println("target_uid: " + spec.variables().get("target_uid").longValue() + " -> "
                + edited.variables().get("target_uid").longValue());

        try (BpfObject obj = edited.load()) {
            System.out.println("loaded: " + obj.programs().keySet() + ", maps "
                    + obj.maps().keySet() + "; counts holds "
                    + obj.map("counts").valueType().map(TypeRef::cName).orElse("?"));
        }
    }
}
