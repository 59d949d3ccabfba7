/** eBPF instructions: encoding, an assembler and a disassembler. */
package io.bpf4j.asm;
