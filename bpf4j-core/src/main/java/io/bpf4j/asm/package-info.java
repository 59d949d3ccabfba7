/**
 * eBPF instructions: {@link io.bpf4j.asm.Instruction} (encoding, decoding, builders for common
 * instructions), a text {@link io.bpf4j.asm.Assembler} and {@link io.bpf4j.asm.Disassembler} in
 * the syntax llvm-objdump prints, and {@link io.bpf4j.asm.Listing}: instructions with their labels,
 * references by name (maps, functions, kfuncs, ksyms) and BTF source lines.
 *
 * <pre>{@code
 * Listing l = Assembler.assemble("r0 = 0x2\nexit");
 * Disassembler.disassemble(l);   // "\tr0 = 0x2\n\texit\n"
 * }</pre>
 */
package io.bpf4j.asm;
