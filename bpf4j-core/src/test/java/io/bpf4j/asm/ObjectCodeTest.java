package io.bpf4j.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ObjectCode;
import io.bpf4j.testing.Kernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An object's code read for display: names from relocations, labels from symbols, BTF source lines. */
class ObjectCodeTest {

    @Test
    void functionsShowCallsMapsAndSourceLines() {
        ObjectCode code = ObjectCode.read(Kernel.bpfObject("load_subprogs"));
        String first = Disassembler.disassemble(code.function("xdp_first").orElseThrow());
        assertTrue(
                first.startsWith("xdp_first:\n; int xdp_first(struct xdp_md *ctx) [load_subprogs.bpf.c:35]\n"), first);
        assertTrue(first.contains("\tcall bump\n"), first);
        assertTrue(first.contains("\tcall global_len\n"), first);
        assertTrue(first.contains("\tif r0 == 0x0 goto LBB1_2\n"), first);
        assertEquals(
                List.of("bump", "global_len", "mix"),
                code.callees("xdp_first").stream().sorted().toList());

        String globals = Disassembler.disassemble(ObjectCode.read(Kernel.bpfObject("load_globals"))
                .function("xdp_globals")
                .orElseThrow());
        assertTrue(globals.contains("\tr4 = map[.bss] + 0x0 ll\n"), globals);
        assertTrue(globals.contains("\tr2 = map[.rodata] + 0x8 ll\n"), globals);
        assertTrue(globals.contains("; __sync_fetch_and_add(&seen, 1); [load_globals.bpf.c:19]\n"), globals);
    }

    @Test
    void mapReferencesByName() {
        ObjectCode code = ObjectCode.read(Kernel.bpfObject("load_tailcall"));
        String text = Disassembler.disassemble(code.function("xdp_dispatch").orElseThrow());
        assertTrue(text.contains("\tr2 = map[jump_table] ll\n\tcall bpf_tail_call\n"), text);
    }
}
