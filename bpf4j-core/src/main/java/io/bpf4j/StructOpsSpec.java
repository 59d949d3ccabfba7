package io.bpf4j;

import io.bpf4j.btf.TypeRef;
import java.util.Map;
import java.util.Objects;

/**
 * A struct_ops variable of an object as read: a {@link MapType#STRUCT_OPS} map of the same name
 * that, once registered, makes the kernel call the object's programs for the struct's function
 * pointers (a TCP congestion control, a sched_ext scheduler, ...).
 *
 * <pre>{@code
 * StructOpsSpec reno = spec.structOps().get("my_reno");
 * reno.programs();     // {ssthresh=my_ssthresh, cong_avoid=my_cong_avoid, ...}
 * spec = spec.withStructOpsMember("my_reno", "name", "reno_" + ProcessHandle.current().pid());
 * }</pre>
 *
 * @param map the map's (and variable's) name
 * @param type the struct in the object's BTF, e.g. {@code struct tcp_congestion_ops}
 * @param link true for {@code SEC(".struct_ops.link")} (registered by a BPF link), false for
 *        {@code SEC(".struct_ops")} (registered by the map update)
 * @param programs function pointer member name → the program there
 * @param data the variable's bytes in the object's layout (zeros where programs go)
 */
public record StructOpsSpec(String map, TypeRef type, boolean link, Map<String, String> programs, byte[] data) {
    /** Copies the collections. */
    public StructOpsSpec {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(type, "type");
        programs = Map.copyOf(programs);
        data = data.clone();
    }

    /** The variable's bytes (a copy). */
    @Override
    public byte[] data() {
        return data.clone();
    }
}
