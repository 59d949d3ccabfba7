/**
 * The root of bpf4j: specs ({@link io.bpf4j.MapSpec}, {@link io.bpf4j.ProgramSpec}) that are plain
 * data, and the live kernel objects made from them ({@link io.bpf4j.BpfMap},
 * {@link io.bpf4j.Program}), each {@link java.lang.AutoCloseable}.
 */
package io.bpf4j;
