package io.bpf4j.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * A field, type or enumerator access resolved in one BTF: the high-level accessors (named
 * fields and array indexes), the raw access path through anonymous members, and the bit offset
 * it reaches from the root — libbpf's {@code bpf_core_spec}.
 */
final class CoreSpec {
    /** One step: a named member {@code idx} of {@code typeId}, or (name null) array index {@code idx}. */
    record Accessor(int typeId, int idx, String name) {}

    final CoreTypes btf;
    final int rootId;
    final List<Accessor> accessors = new ArrayList<>();
    final List<Integer> raw = new ArrayList<>();
    long bitOffset;

    CoreSpec(CoreTypes btf, int rootId) {
        this.btf = btf;
        this.rootId = rootId;
    }

    Accessor last() {
        return accessors.get(accessors.size() - 1);
    }

    /** The C view of the access, e.g. {@code task_struct.real_parent.tgid}, for messages. */
    String describe() {
        StringBuilder sb = new StringBuilder(btf.name(rootId).isEmpty() ? "<anon>" : btf.name(rootId));
        for (int i = 0; i < accessors.size(); i++) {
            Accessor a = accessors.get(i);
            if (a.name() != null) {
                sb.append('.').append(a.name());
            } else if (i > 0 || a.idx() > 0) {
                sb.append('[').append(a.idx()).append(']');
            }
        }
        return sb.toString();
    }
}
