/**
 * The root of bpf4j: specs that are plain data ({@link io.bpf4j.ObjectSpec}, {@link
 * io.bpf4j.MapSpec}, {@link io.bpf4j.ProgramSpec}) and the live kernel objects made from them
 * ({@link io.bpf4j.BpfObject}, {@link io.bpf4j.BpfMap}, {@link io.bpf4j.Program}), each {@link
 * java.lang.AutoCloseable}, with the exception hierarchy. The object loader (ELF reading, linking
 * of subprograms, relocations, map and global data creation) lives here too, package-private.
 */
package io.bpf4j;
