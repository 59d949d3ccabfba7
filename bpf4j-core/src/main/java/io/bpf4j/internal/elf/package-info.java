/**
 * ELF64 little-endian readers: BPF objects (sections, symbols, relocations) and user-space
 * binaries for uprobes and USDT (symbols, segments, {@code .note.stapsdt}). Every offset and size
 * read from a file is checked against the bytes present. Not exported.
 */
package io.bpf4j.internal.elf;
