package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.internal.sys.Libc;
import io.bpf4j.testing.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A socket filter on a loopback UDP socket counts and drops real datagrams. Loopback delivery
 * happens inside sendto, so a non-blocking receive right after tells exactly whether it arrived.
 */
class SocketFilterTest {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;

    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    /** A UDP socket on 127.0.0.1 made with raw syscalls, so the test knows its fd number. */
    static final class Udp implements AutoCloseable {
        final int fd;
        final Arena arena = Arena.ofConfined();
        final MemorySegment addr = arena.allocate(16);

        Udp() {
            long r = Libc.syscall(41, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            assertTrue(r >= 0, "socket: errno " + -r);
            fd = (int) r;
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            addr.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4, 0x7f000001);
            assertEquals(0, Libc.syscall(49, fd, addr.address(), 16), "bind");
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 16);
            assertEquals(0, Libc.syscall(51, fd, addr.address(), len.address()), "getsockname");
        }

        void sendTo(Udp to, int size) {
            MemorySegment buf = arena.allocate(size);
            long r = Libc.syscall(44, fd, buf.address(), size, 0, to.addr.address(), 16);
            assertEquals(size, r, "sendto");
        }

        /** Bytes of the next queued datagram, or -EAGAIN when none is queued. */
        long receiveNow() {
            MemorySegment buf = arena.allocate(2048);
            return Libc.syscall(45, fd, buf.address(), 2048, MSG_DONTWAIT, 0, 0);
        }

        @Override
        public void close() {
            Libc.syscall(Libc.SYS_CLOSE, fd, 0, 0);
            arena.close();
        }
    }

    @Test
    void dropsAndCountsDatagramsUntilDetached() {
        try (BpfMap counter = CounterPrograms.newCounter("sf_drop");
                Program drop = Program.load(ProgramSpec.builder("sf_drop", ProgramType.SOCKET_FILTER)
                        .instructions(CounterPrograms.filter().count(counter, 0))
                        .build());
                Udp rx = new Udp();
                Udp tx = new Udp()) {
            tx.sendTo(rx, 32);
            assertEquals(32, rx.receiveNow(), "without a filter the datagram arrives");
            try (SocketFilter f = SocketFilter.attach(drop, rx.fd)) {
                assertTrue(f.description().contains("sf_drop"));
                for (int i = 0; i < 3; i++) {
                    tx.sendTo(rx, 40);
                }
                assertEquals(-Errno.EAGAIN.number(), rx.receiveNow(), "the filter must drop every datagram");
                assertEquals(3, CounterPrograms.read(counter));
            }
            tx.sendTo(rx, 48);
            assertEquals(48, rx.receiveNow(), "after detach the datagram arrives");
            assertEquals(3, CounterPrograms.read(counter), "the program ran after detach");
        }
    }

    @Test
    void attachingToSomethingThatIsNotASocketNamesTheError() {
        try (BpfMap counter = CounterPrograms.newCounter("sf_bad");
                Program p = Program.load(ProgramSpec.builder("sf_bad", ProgramType.SOCKET_FILTER)
                        .instructions(CounterPrograms.filter().count(counter, 0))
                        .build())) {
            BpfException e = assertThrows(BpfException.class, () -> SocketFilter.attach(p, p.fd()));
            assertEquals(Errno.ENOTSOCK, e.errno().orElseThrow(), e.getMessage());
            assertTrue(
                    e.getMessage().contains("SO_ATTACH_BPF") && e.getMessage().contains("sf_bad"), e.getMessage());
        }
    }
}
