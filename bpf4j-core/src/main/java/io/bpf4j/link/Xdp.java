package io.bpf4j.link;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.Errno;
import io.bpf4j.Program;
import io.bpf4j.internal.sys.Libc;

/**
 * Attaches an XDP program to a network interface with a BPF link (Linux 5.9), in the calling
 * thread's network namespace (see {@link NetworkNamespace} for another one).
 *
 * <pre>{@code
 * try (Link l = Xdp.attach(prog, "eth0", Xdp.Mode.DEFAULT)) { ... }
 * }</pre>
 */
public final class Xdp {
    /** Where the program runs: the driver decides, generic (skb), native driver, or offloaded. */
    public enum Mode {
        DEFAULT(0), GENERIC(1 << 1), DRIVER(1 << 2), OFFLOAD(1 << 3);

        private final int flag;

        Mode(int flag) {
            this.flag = flag;
        }

        /** The XDP_FLAGS_* value. */
        public int flag() {
            return flag;
        }
    }

    private Xdp() {
    }

    /** Attaches to the interface named {@code ifname}. */
    public static Link attach(Program program, String ifname, Mode mode) {
        return attach(program, ifindex(ifname), mode);
    }

    /** Attaches to interface number {@code ifindex}. */
    public static Link attach(Program program, int ifindex, Mode mode) {
        return LinkCreate.create(program, ifindex, AttachType.XDP, mode.flag(), "xdp on ifindex " + ifindex + " (" + mode + ")",
                "XDP links", "5.9");
    }

    /** The index of interface {@code ifname} in the calling thread's network namespace. */
    static int ifindex(String ifname) {
        int idx = Libc.ifNameToIndex(ifname);
        if (idx == 0) {
            throw new BpfException("no network interface \"" + ifname + "\" in this network namespace",
                    Errno.ENODEV.number(), "if_nametoindex", ifname);
        }
        return idx;
    }
}
