package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.bpf4j.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A NETLINK_ROUTE socket that sends one request at a time and waits for its acknowledgement:
 * enough for tc qdiscs and filters. The socket belongs to the network namespace of the thread
 * that opened it, and keeps working there from any thread.
 */
public final class Netlink implements AutoCloseable {
    private static final long SYS_SOCKET = 41;
    private static final long SYS_SENDTO = 44;
    private static final long SYS_RECVFROM = 45;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW_CLOEXEC = 3 | 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int NLMSG_ERROR = 2;
    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_ACK = 4;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;

    private final Fd socket;
    private int seq;

    /** Opens a route netlink socket in the calling thread's network namespace. */
    public Netlink() {
        long fd = Libc.syscall(SYS_SOCKET, AF_NETLINK, SOCK_RAW_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new BpfException("cannot open a netlink socket", (int) -fd, "socket(AF_NETLINK)", "");
        }
        socket = new Fd((int) fd, "netlink socket");
    }

    /** A message under construction: header, fixed body, then (nested) attributes, 4-byte aligned. */
    public static final class Message {
        private final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
        private final java.util.ArrayDeque<Integer> nests = new java.util.ArrayDeque<>();

        /** A message of {@code type} with {@code flags}; the body comes next. */
        public Message(int type, int flags) {
            b.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
        }

        public Message u8(int v) {
            b.put((byte) v);
            return this;
        }

        public Message u32(int v) {
            b.putInt(v);
            return this;
        }

        /** Pads the body to 4 bytes. */
        public Message align() {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
            return this;
        }

        /** A u32 attribute. */
        public Message attr(int type, int value) {
            align();
            b.putShort((short) 8).putShort((short) type).putInt(value);
            return this;
        }

        /** A NUL-terminated string attribute. */
        public Message attr(int type, String value) {
            align();
            byte[] s = (value + "\0").getBytes(StandardCharsets.US_ASCII);
            b.putShort((short) (4 + s.length)).putShort((short) type).put(s);
            return align();
        }

        /** Opens a nested attribute; close it with {@link #end()}. */
        public Message nest(int type) {
            align();
            nests.push(b.position());
            b.putShort((short) 0).putShort((short) (type | 0x8000 /* NLA_F_NESTED */));
            return this;
        }

        public Message end() {
            int start = nests.pop();
            b.putShort(start, (short) (b.position() - start));
            return this;
        }

        byte[] finish(int seq) {
            align();
            b.putInt(0, b.position());
            b.putInt(8, seq);
            byte[] out = new byte[b.position()];
            b.get(0, out);
            return out;
        }
    }

    /**
     * Sends {@code m} (with NLM_F_ACK) and waits for the kernel's answer.
     *
     * @return 0, or the negative errno the kernel answered
     */
    public int request(Message m) {
        byte[] msg = m.finish(++seq);
        int raw = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(msg.length);
            MemorySegment.copy(msg, 0, out, JAVA_BYTE, 0, msg.length);
            long r = Libc.syscall(SYS_SENDTO, raw, out.address(), msg.length, 0, 0, 0);
            if (r < 0) {
                throw new BpfException("netlink send failed", (int) -r, "sendto(netlink)", "");
            }
            MemorySegment in = arena.allocate(8192);
            for (; ; ) {
                long n = Libc.syscall(SYS_RECVFROM, raw, in.address(), in.byteSize(), 0, 0, 0);
                if (n < 0) {
                    throw new BpfException("netlink receive failed", (int) -n, "recvfrom(netlink)", "");
                }
                for (long at = 0; at + 16 <= n; ) {
                    int len = in.get(JAVA_INT, at);
                    int type = in.get(java.lang.foreign.ValueLayout.JAVA_SHORT, at + 4);
                    int mseq = in.get(JAVA_INT, at + 8);
                    if (type == NLMSG_ERROR && mseq == seq) {
                        return in.get(JAVA_INT, at + 16);
                    }
                    if (len < 16) {
                        break;
                    }
                    at += (len + 3) & ~3;
                }
            }
        } finally {
            socket.release();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
