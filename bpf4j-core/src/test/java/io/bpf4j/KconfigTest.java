package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.KconfigExtern.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kconfig parsing and the encoding libbpf gives each extern type. */
class KconfigTest {
    private static final Kconfig K = Kconfig.parse("""
            # comment
            CONFIG_BPF=y
            CONFIG_MOD=m
            # CONFIG_OFF is not set
            CONFIG_NO=n
            CONFIG_HZ=1000
            CONFIG_HEX=0x1f
            CONFIG_NEG=-3
            CONFIG_STR="hello world"
            """, "test");

    @Test
    void rawValues() {
        assertEquals(Optional.of("y"), K.raw("CONFIG_BPF"));
        assertEquals(Optional.empty(), K.raw("CONFIG_OFF"));
        assertEquals(Optional.of("\"hello world\""), K.raw("CONFIG_STR"));
    }

    @Test
    void encodesEachKind() {
        assertArrayEquals(new byte[] {1}, K.encode(new KconfigExtern("CONFIG_BPF", Kind.BOOL, 1, false, false)));
        assertArrayEquals(new byte[] {0}, K.encode(new KconfigExtern("CONFIG_NO", Kind.BOOL, 1, false, false)));
        assertArrayEquals(
                new byte[] {2, 0, 0, 0}, K.encode(new KconfigExtern("CONFIG_MOD", Kind.TRISTATE, 4, false, false)));
        assertArrayEquals(new byte[] {'m'}, K.encode(new KconfigExtern("CONFIG_MOD", Kind.CHAR, 1, false, false)));
        assertArrayEquals(
                new byte[] {(byte) 0xe8, 3, 0, 0}, K.encode(new KconfigExtern("CONFIG_HZ", Kind.INT, 4, true, false)));
        assertArrayEquals(new byte[] {0x1f, 0}, K.encode(new KconfigExtern("CONFIG_HEX", Kind.INT, 2, false, false)));
        assertArrayEquals(
                new byte[] {(byte) 0xfd, (byte) 0xff},
                K.encode(new KconfigExtern("CONFIG_NEG", Kind.INT, 2, true, false)));
        assertArrayEquals(
                new byte[] {'h', 'e', 'l', 'l', 0},
                K.encode(new KconfigExtern("CONFIG_STR", Kind.STRING, 5, false, false)));
    }

    @Test
    void missingWeakIsZeroMissingStrongFails() {
        assertArrayEquals(new byte[4], K.encode(new KconfigExtern("CONFIG_OFF", Kind.TRISTATE, 4, false, true)));
        BpfException e = assertThrows(
                BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_OFF", Kind.BOOL, 1, false, false)));
        assertTrue(e.getMessage().contains("CONFIG_OFF") && e.getMessage().contains("__weak"), e.getMessage());
    }

    @Test
    void valuesThatDoNotFitTheTypeAreRefused() {
        assertThrows(BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_MOD", Kind.BOOL, 1, false, false)));
        assertThrows(BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_HZ", Kind.INT, 1, false, false)));
        assertThrows(BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_NEG", Kind.INT, 4, false, false)));
        assertThrows(BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_BPF", Kind.INT, 4, false, false)));
        assertThrows(BpfException.class, () -> K.encode(new KconfigExtern("CONFIG_HZ", Kind.STRING, 8, false, false)));
        assertThrows(
                IllegalArgumentException.class, () -> new KconfigExtern("CONFIG_X", Kind.TRISTATE, 1, false, false));
    }

    @Test
    void runningKernelHasBpfAndItsVersion() {
        Kconfig running = Kconfig.running();
        assertEquals(Optional.of("y"), running.raw("CONFIG_BPF_SYSCALL"), running.source());
        String[] parts = Kconfig.release().split("[.-]");
        int expected = (Integer.parseInt(parts[0]) << 16)
                + (Integer.parseInt(parts[1]) << 8)
                + Math.min(255, Integer.parseInt(parts[2]));
        assertEquals(expected, Kconfig.linuxKernelVersion());
        byte[] v = running.encode(new KconfigExtern(Kconfig.LINUX_KERNEL_VERSION, Kind.INT, 4, false, false));
        assertEquals(
                expected,
                java.nio.ByteBuffer.wrap(v)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt());
    }
}
