/**
 * Java from a BPF object's BTF, so that a program's C types are written once, in C.
 * {@link io.bpf4j.codegen.SkeletonGenerator#generate} writes one class per object: the typed
 * skeleton, with the object's records and enums nested in it (two objects that share a header
 * each get their own {@code Event}, with no clash in one package).
 *
 * <pre>{@code
 * SkeletonGenerator.generate(Path.of("target/bpf/execsnoop.bpf.o"),
 *         GeneratorOptions.of("com.example.bpf", "bpf/execsnoop.bpf.o"), Path.of("target/generated-sources/bpf4j"));
 *
 * try (Execsnoop skel = Execsnoop.open().targetPid(1234).load()) {   // .rodata constants before load
 *     skel.attachAll();
 *     skel.pollEvents(Duration.ofSeconds(1), e -> System.out.println(e.pid() + " " + e.comm()));
 *     skel.counts().lookup(42L).ifPresent(System.out::println);      // a typed map handle
 *     long seen = skel.bss().seen();                                  // a typed global
 * }
 * }</pre>
 *
 * <p>What is generated:
 * <ul>
 * <li>a record for every struct and union reachable from a map's key or value, a ring or perf
 *     buffer's record type and the globals; nested structs are nested records, anonymous struct
 *     and union members are flattened (as C reads them), bitfields are left out (the record's
 *     Javadoc says so; {@code StructValue} reads them). Components are camelCase
 *     ({@code prev_pid} → {@code prevPid}), the C name, type and offset in the Javadoc.</li>
 * <li>Java types: integers the narrowest Java type that holds every value (an unsigned C type
 *     one size up: {@code __u32} → {@code long}; {@code __u64} → {@code long} holding its bits);
 *     {@code char[N]} → {@code String} (C strings: comm, file names; NUL-terminated), other byte
 *     arrays → {@code byte[]}; other arrays → arrays of their element type ({@code Point[]},
 *     {@code long[][]}, {@code String[]}); pointers → {@code long}; {@code bool} → {@code boolean};
 *     C enums → Java enums with their C values ({@code value()}), a C value that is none of the
 *     enumerators reading as null. Typedef names are resolved; an anonymous type takes its
 *     typedef's name, or its owner's and member's.</li>
 * <li>the skeleton: {@code load()}, {@code open()} → a builder with a typed setter per
 *     {@code .rodata} constant (and for the initial value of each {@code .data}/{@code .bss}
 *     global), typed map handles ({@code TypedHashMap}, {@code TypedArray},
 *     {@code PerCpuMap}, {@code TypedLpmTrie}, {@code TypedQueue}, {@code TypedBloomFilter};
 *     other kinds {@code BpfMap}), one accessor per program, typed {@code .data}/{@code .bss}/
 *     {@code .rodata} accessors, {@code attachAll()}, and per ring or perf buffer its reader plus
 *     {@code pollX}/{@code subscribeX} of typed records when the record type is known.</li>
 * </ul>
 *
 * <p>A ring or perf buffer's record type is named in C with {@code BPF4J_RECORD(map, type)} from
 * {@code bpf4j.h} ({@link io.bpf4j.codegen.BpfHeaders}), or in {@link io.bpf4j.codegen.GeneratorOptions#recordTypes()}.
 */
package io.bpf4j.codegen;
