/**
 * bpf4j code generation: Java records, enums and a typed skeleton class from a BPF object's BTF,
 * so that a program's C structs are written once. Entry point: {@link io.bpf4j.codegen.SkeletonGenerator}.
 */
module io.bpf4j.codegen {
    requires transitive io.bpf4j;

    exports io.bpf4j.codegen;
}
