/** ELF64 reader for BPF objects and for user-space binaries (uprobes). Not exported. */
package io.bpf4j.internal.elf;
