package io.bpf4j.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfMap;
import io.bpf4j.MapSpec;
import io.bpf4j.MapType;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.TestRunOptions;
import io.bpf4j.TestRunResult;
import io.bpf4j.testing.Kernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Text to instructions and back: every class and size round-trips; names, labels, errors; a real load. */
class AssemblerTest {

    /** Canonical text of every instruction class and size, with labels and names. */
    static final String EVERY_CLASS = """
            prog:
            \tr0 = 0x0
            \tr1 = -0x7
            \tw2 = 0x7fffffff
            \tr3 = r4
            \tw3 = w4
            \tr1 += 0x1
            \tr1 -= r2
            \tr1 *= 0x3
            \tr1 /= r2
            \tr1 s/= -0x3
            \tr1 s/= r2
            \tr1 %= 0x9
            \tr1 s%= r2
            \tr1 |= 0x5
            \tr1 &= r2
            \tr1 <<= 0x7
            \tr1 >>= r2
            \tr1 s>>= 0xb
            \tr1 ^= r2
            \tr1 = -r1
            \tw1 += w2
            \tw1 -= 0x2
            \tw1 *= w2
            \tw1 /= 0x4
            \tw1 s/= w2
            \tw1 %= w2
            \tw1 s%= -0x3
            \tw1 |= w2
            \tw1 &= 0x6
            \tw1 <<= w2
            \tw1 >>= 0x8
            \tw1 s>>= w2
            \tw1 ^= 0xa
            \tw1 = -w1
            \tr6 = (s8)r7
            \tr6 = (s16)r7
            \tr6 = (s32)r7
            \tw6 = (s8)w7
            \tw6 = (s16)w7
            \tr1 = le16 r1
            \tr1 = le32 r1
            \tr1 = le64 r1
            \tr2 = be16 r2
            \tr2 = be32 r2
            \tr2 = be64 r2
            \tr3 = bswap16 r3
            \tr3 = bswap32 r3
            \tr3 = bswap64 r3
            \tr1 = addr_space_cast(r2, 0x1, 0x0)
            \tr1 = 0x123456789abcdef0 ll
            \tr2 = -0x1 ll
            \tr1 = map[counts] ll
            \tr2 = map[.data] + 0x8 ll
            \tr3 = map[fd:0x5] ll
            \tr4 = map[fd:0x5] + 0x10 ll
            \tr5 = map[idx:0x1] ll
            \tr6 = map[idx:0x1] + 0x4 ll
            \tr7 = ksym[bpf_prog_active] ll
            \tr8 = ksym[id:0x2a] ll
            \tr9 = func[callee] ll
            \tr0 = *(u8 *)skb[0xc]
            \tr0 = *(u16 *)skb[0xc]
            \tr0 = *(u32 *)skb[0xc]
            \tr0 = *(u8 *)skb[r3]
            \tr0 = *(u16 *)skb[r3]
            \tr0 = *(u32 *)skb[r3]
            \tr1 = *(u8 *)(r10 - 0x8)
            \tr1 = *(u16 *)(r2 + 0x7fff)
            \tr1 = *(u32 *)(r2 + 0x0)
            \tr1 = *(u64 *)(r2 - 0x8000)
            \tr4 = *(s8 *)(r5 + 0x6)
            \tr4 = *(s16 *)(r5 + 0x6)
            \tr4 = *(s32 *)(r5 + 0x6)
            \t*(u8 *)(r10 - 0x10) = -0x1
            \t*(u16 *)(r1 + 0x4) = 0x12345
            \t*(u32 *)(r1 + 0x4) = 0x1
            \t*(u64 *)(r1 + 0x4) = 0x1
            \t*(u8 *)(r10 - 0x8) = r1
            \t*(u16 *)(r10 - 0x8) = r1
            \t*(u32 *)(r10 - 0x8) = r1
            \t*(u64 *)(r10 - 0x8) = r1
            \tlock *(u32 *)(r1 + 0x8) += r2
            \tlock *(u32 *)(r1 + 0x8) |= w2
            \tlock *(u32 *)(r1 + 0x8) &= w2
            \tlock *(u32 *)(r1 + 0x8) ^= w2
            \tw2 = atomic_fetch_add((u32 *)(r1 + 0x8), w2)
            \tw2 = atomic_fetch_or((u32 *)(r1 + 0x8), w2)
            \tw2 = atomic_fetch_and((u32 *)(r1 + 0x8), w2)
            \tw2 = atomic_fetch_xor((u32 *)(r1 + 0x8), w2)
            \tw2 = xchg32_32(r1 + 0x8, w2)
            \tw0 = cmpxchg32_32(r1 + 0x8, w0, w2)
            \tlock *(u64 *)(r1 + 0x8) += r2
            \tlock *(u64 *)(r1 + 0x8) |= r2
            \tlock *(u64 *)(r1 + 0x8) &= r2
            \tlock *(u64 *)(r1 + 0x8) ^= r2
            \tr2 = atomic_fetch_add((u64 *)(r1 + 0x8), r2)
            \tr2 = atomic_fetch_or((u64 *)(r1 + 0x8), r2)
            \tr2 = atomic_fetch_and((u64 *)(r1 + 0x8), r2)
            \tr2 = atomic_fetch_xor((u64 *)(r1 + 0x8), r2)
            \tr2 = xchg_64(r1 + 0x8, r2)
            \tr0 = cmpxchg_64(r1 + 0x8, r0, r2)
            \tw3 = load_acquire((u8 *)(r4 + 0x0))
            \tw3 = load_acquire((u16 *)(r4 + 0x0))
            \tw3 = load_acquire((u32 *)(r4 + 0x0))
            \tr3 = load_acquire((u64 *)(r4 + 0x0))
            \tstore_release((u8 *)(r5 - 0x4), w6)
            \tstore_release((u16 *)(r5 - 0x4), w6)
            \tstore_release((u32 *)(r5 - 0x4), w6)
            \tstore_release((u64 *)(r5 - 0x4), r6)
            back:
            \tif r1 == 0x0 goto back
            \tif r1 != r2 goto out
            \tif r1 > 0x1 goto +0x1
            \tif r1 >= r2 goto -0x2
            \tif r1 < 0x1 goto out
            \tif r1 <= r2 goto out
            \tif r1 s> -0x1 goto out
            \tif r1 s>= r2 goto out
            \tif r1 s< 0x1 goto out
            \tif r1 s<= r2 goto out
            \tif r1 & 0x1 goto out
            \tif r1 & r2 goto out
            \tif w1 == 0x0 goto back
            \tif w1 != w2 goto out
            \tif w1 > 0x1 goto out
            \tif w1 >= w2 goto out
            \tif w1 < 0x1 goto out
            \tif w1 <= w2 goto out
            \tif w1 s> -0x1 goto out
            \tif w1 s>= w2 goto out
            \tif w1 s< 0x1 goto out
            \tif w1 s<= w2 goto out
            \tif w1 & 0x1 goto out
            \tif w1 & w2 goto out
            \tgoto out
            \tgoto +0x0
            \tgotol back
            \tgotol +0x1
            \tmay_goto out
            \tcall bpf_map_lookup_elem
            \tcall bpf_cgrp_storage_delete
            \tcall 0x1000
            \tcall callee
            \tcall pc+0x0
            \tcall kfunc[bpf_task_acquire]
            \tcall kfunc[id:0x1234]
            \tcall elsewhere
            \tcallx r3
            \t.quad 0x0000000000001195
            out:
            \texit
            callee:
            \tr0 = 0x1
            \texit
            """;

    @Test
    void everyClassAndSizeRoundTrips() {
        Listing l = Assembler.assemble(EVERY_CLASS);
        assertEquals(EVERY_CLASS, Disassembler.disassemble(l));
        // and once more through the bytes: the same instructions come back
        assertEquals(l.instructions(), Instruction.decodeAll(Instruction.encodeAll(l.instructions())));
        assertEquals(
                new Reference.MapRef("counts"),
                l.references().get(l.slotOf("prog").orElseThrow() + 53));
    }

    @Test
    void objdumpOutputAssemblesAsItIs() {
        String objdump = """
                       0:	b7 00 00 00 00 00 00 00	r0 = 0x0
                       1:	15 01 01 00 00 00 00 00	if r1 == 0x0 goto +0x1 <LBB0_2>
                       2:	61 12 00 00 00 00 00 00	r2 = *(u32 *)(r1 + 0x0)
                       3:	95 00 00 00 00 00 00 00	exit
                """;
        Listing l = Assembler.assemble(objdump);
        assertEquals(
                List.of(
                        Instruction.mov64Imm(0, 0),
                        Instruction.jumpImm(Opcodes.JEQ, 1, 0, 1),
                        Instruction.loadMem(Opcodes.W, 2, 1, 0),
                        Instruction.exit()),
                l.instructions());
    }

    @Test
    void spacingCommentsAndDecimalAreFree() {
        Listing l = Assembler.assemble("""
                ; a comment
                  r1=*(u64*)(r10-8)   // trailing
                r0 =   2
                call 1
                call bpf_map_lookup_elem#1
                exit
                """);
        assertEquals(
                "\tr1 = *(u64 *)(r10 - 0x8)\n\tr0 = 0x2\n\tcall bpf_map_lookup_elem\n\tcall bpf_map_lookup_elem\n\texit\n",
                Disassembler.disassemble(l));
    }

    @Test
    void errorsNameTheLineAndTheProblem() {
        assertEquals(
                "line 2 (goto nowhere): no label nowhere",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("r0 = 0\ngoto nowhere\nexit"))
                        .getMessage());
        assertEquals(
                "line 1 (r11 = 0): no register r11 (r0..r10)",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("r11 = 0"))
                        .getMessage());
        assertEquals(
                "line 1 (r1 += w2): register w2 mixes 32-bit (w) and 64-bit (r) registers",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("r1 += w2"))
                        .getMessage());
        assertEquals(
                "line 1 (r1 = 0x100000000): 32-bit immediate 4294967296 is outside -2147483648..4294967295",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("r1 = 0x100000000"))
                        .getMessage());
        assertEquals(
                "line 1 (r1 = *(u32 *)(r2 + 0x8000)): offset 32768 is outside -32768..32767",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("r1 = *(u32 *)(r2 + 0x8000)"))
                        .getMessage());
        assertEquals(
                "line 3 (frobnicate r1): not an instruction bpf4j knows",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("\n\nfrobnicate r1"))
                        .getMessage());
        assertEquals(
                "line 2 (a:): label a is defined twice",
                assertThrows(AssemblerException.class, () -> Assembler.assemble("a:\na:\nexit"))
                        .getMessage());
        StringBuilder far = new StringBuilder("goto end\n");
        far.append("r0 = 0\n".repeat(40_000)).append("end:\nexit\n");
        assertTrue(assertThrows(AssemblerException.class, () -> Assembler.assemble(far.toString()))
                .getMessage()
                .contains("beyond a 16-bit jump offset (use gotol)"));
    }

    @Test
    void resolvePatchesMapFdsAndRefusesWhatOnlyTheLoaderKnows() {
        Listing l = Assembler.assemble("r1 = map[m] ll\nr2 = map[g] + 0x8 ll\nexit");
        List<Instruction> code = l.resolve(Map.of("m", 7, "g", 9)::get);
        assertEquals(Instruction.loadMapFd(1, 7), code.get(0));
        assertEquals(Instruction.loadMapValue(2, 9, 8), code.get(1));
        Listing k = Assembler.assemble("call kfunc[bpf_task_acquire]\nexit");
        assertThrows(IllegalStateException.class, () -> k.resolve(n -> 0));
    }

    /** An assembled XDP program that counts into an array map by name, loaded and run for real. */
    @Test
    void assembledProgramLoadsAndRuns() {
        Kernel.assumeRoot();
        Listing l = Assembler.assemble("""
                count:
                    *(u32 *)(r10 - 0x4) = 0x0      ; key 0
                    r2 = r10
                    r2 += -0x4
                    r1 = map[hits] ll
                    call bpf_map_lookup_elem
                    if r0 == 0x0 goto out
                    r1 = 0x1
                    lock *(u64 *)(r0 + 0x0) += r1
                out:
                    r0 = 0x2                       ; XDP_PASS
                    exit
                """);
        MapSpec ms = MapSpec.builder(MapType.ARRAY)
                .name("asm_hits_" + ProcessHandle.current().pid() % 100000)
                .keySize(4)
                .valueSize(8)
                .maxEntries(1)
                .build();
        try (BpfMap hits = BpfMap.create(ms)) {
            ProgramSpec spec = ProgramSpec.builder("asm_count", ProgramType.XDP)
                    .instructions(l.resolve(name -> {
                        assertEquals("hits", name);
                        return hits.fd();
                    }))
                    .build();
            try (Program p = Program.load(spec)) {
                TestRunResult r = p.testRun(TestRunOptions.data(new byte[64]).withRepeat(3));
                assertEquals(2, r.returnValue());
            }
            byte[] v = hits.lookup(new byte[4]).orElseThrow();
            assertEquals(3, ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
    }
}
