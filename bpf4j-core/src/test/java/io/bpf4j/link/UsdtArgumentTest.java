package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The x86-64 argument spec forms, and the struct __bpf_usdt_spec bytes they become. */
class UsdtArgumentTest {
    @Test
    void decodesEveryForm() {
        List<UsdtArgument> a = UsdtArgumentParser.parse(
                "-4@$1 -1@%dil 1@%sil -2@%dx 2@%cx -4@%r8d 4@%r9d -8@8(%rsp) 8@(%rax) 8@$-446744073709551616", "p:n");
        assertEquals(10, a.size());
        assertEquals(new UsdtArgument.Constant(4, true, 1, "-4@$1"), a.get(0));
        assertEquals(new UsdtArgument.Register(1, true, "dil", "-1@%dil"), a.get(1));
        assertEquals(new UsdtArgument.Register(1, false, "sil", "1@%sil"), a.get(2));
        assertEquals(new UsdtArgument.Register(2, true, "dx", "-2@%dx"), a.get(3));
        assertEquals(new UsdtArgument.Memory(8, true, "rsp", 8, "-8@8(%rsp)"), a.get(7));
        assertEquals(new UsdtArgument.Memory(8, false, "rax", 0, "8@(%rax)"), a.get(8));
        assertEquals(-446744073709551616L, ((UsdtArgument.Constant) a.get(9)).value());
        assertEquals(List.of(), UsdtArgumentParser.parse("", "p:n"));
        assertEquals(List.of(), UsdtArgumentParser.parse("  ", "p:n"));
    }

    @Test
    void extendsAsBpfUsdtArgDoes() {
        assertEquals(250, new UsdtArgument.Constant(1, false, -6, "1@$-6").extend(-6));
        assertEquals(-6, new UsdtArgument.Constant(1, true, -6, "-1@$-6").extend(-6));
        assertEquals(65000, new UsdtArgument.Constant(2, false, -536, "2@$-536").extend(-536));
        assertEquals(4_000_000_000L, new UsdtArgument.Constant(4, false, -294967296, "").extend(-294967296));
        assertEquals(-1, new UsdtArgument.Register(4, true, "eax", "").extend(0xdead_ffff_ffffL));
    }

    @Test
    void registersAreStructPtRegsOffsets() {
        // arch/x86/include/asm/ptrace.h: r15 at 0 ... di at 112, ip at 128, sp at 152.
        assertEquals(0, UsdtArgumentParser.PT_REGS.get("r15"));
        assertEquals(32, UsdtArgumentParser.PT_REGS.get("rbp"));
        assertEquals(80, UsdtArgumentParser.PT_REGS.get("al"));
        assertEquals(112, UsdtArgumentParser.PT_REGS.get("edi"));
        assertEquals(112, UsdtArgumentParser.PT_REGS.get("dil"));
        assertEquals(104, UsdtArgumentParser.PT_REGS.get("sil"));
        assertEquals(72, UsdtArgumentParser.PT_REGS.get("r8d"));
        assertEquals(128, UsdtArgumentParser.PT_REGS.get("rip"));
        assertEquals(152, UsdtArgumentParser.PT_REGS.get("rsp"));
    }

    @Test
    void encodesLibbpfSpecLayout() {
        byte[] v =
                UsdtSpecs.encode(UsdtArgumentParser.parse("-4@$-9 8@%rdx -2@-1204(%rbp)", "p:n"), 0x1122334455667788L);
        assertEquals(208, v.length);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        // arg 0: constant -9, signed, 4 bytes -> shift 32
        assertEquals(-9, b.getLong(0));
        assertEquals(UsdtSpecs.ARG_CONST, b.getInt(8));
        assertEquals(0, b.getShort(12));
        assertEquals(1, b.get(14));
        assertEquals(32, b.get(15));
        // arg 1: register rdx (96), unsigned 8 bytes -> shift 0
        assertEquals(0, b.getLong(16));
        assertEquals(UsdtSpecs.ARG_REG, b.getInt(24));
        assertEquals(96, b.getShort(28));
        assertEquals(0, b.get(30));
        assertEquals(0, b.get(31));
        // arg 2: memory -1204(rbp), signed 2 bytes -> shift 48
        assertEquals(-1204, b.getLong(32));
        assertEquals(UsdtSpecs.ARG_REG_DEREF, b.getInt(40));
        assertEquals(32, b.getShort(44));
        assertEquals(1, b.get(46));
        assertEquals(48, b.get(47));
        assertArrayEquals(new byte[16 * 9], java.util.Arrays.copyOfRange(v, 48, 192), "unused argument slots are zero");
        assertEquals(0x1122334455667788L, b.getLong(192));
        assertEquals(3, b.getShort(200));
    }

    @Test
    void refusalsNameTheProbeAndTheArgument() {
        IllegalArgumentException sib = assertThrows(
                IllegalArgumentException.class,
                () -> UsdtArgumentParser.parse("-4@%edi 1@-96(%rbp,%rax,8)", "prov:name at 0x10 in /bin/x"));
        assertTrue(
                sib.getMessage().contains("prov:name at 0x10 in /bin/x")
                        && sib.getMessage().contains("argument #1")
                        && sib.getMessage().contains("1@-96(%rbp,%rax,8)")
                        && sib.getMessage().contains("scale-index-base"),
                sib.getMessage());
        IllegalArgumentException rip =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("4@counter(%rip)", "p:n"));
        assertTrue(rip.getMessage().contains("argument #0") && rip.getMessage().contains("%rip"), rip.getMessage());
        IllegalArgumentException size =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("-4@%edi 3@%eax", "p:n"));
        assertTrue(
                size.getMessage().contains("argument #1") && size.getMessage().contains("size 3"), size.getMessage());
        IllegalArgumentException reg =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("1@%ah", "p:n"));
        assertTrue(reg.getMessage().contains("%ah"), reg.getMessage());
        IllegalArgumentException xmm =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("8@%xmm0", "p:n"));
        assertTrue(xmm.getMessage().contains("%xmm0"), xmm.getMessage());
        IllegalArgumentException many =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("1@$1 ".repeat(13), "p:n"));
        assertTrue(many.getMessage().contains("more than 12"), many.getMessage());
        IllegalArgumentException junk =
                assertThrows(IllegalArgumentException.class, () -> UsdtArgumentParser.parse("hello", "p:n"));
        assertTrue(junk.getMessage().contains("\"hello\""), junk.getMessage());
        IllegalArgumentException big = assertThrows(
                IllegalArgumentException.class, () -> UsdtArgumentParser.parse("8@$123456789012345678901234", "p:n"));
        assertTrue(big.getMessage().contains("64 bits"), big.getMessage());
    }

    @Test
    void sectionTargets() {
        assertEquals(Usdt.Spec.of("/usr/bin/app", "prov", "name"), Usdt.Spec.parse("/usr/bin/app:prov:name"));
        assertEquals(Usdt.Spec.of("libc.so.6", "libc", "setjmp"), Usdt.Spec.parse("libc.so.6:libc:setjmp"));
        assertThrows(IllegalArgumentException.class, () -> Usdt.Spec.parse("prov:name"));
        assertThrows(IllegalArgumentException.class, () -> Usdt.Spec.parse("/bin/x:prov:"));
        assertThrows(IllegalArgumentException.class, () -> Usdt.Spec.parse("/bin/x::name"));
    }
}
