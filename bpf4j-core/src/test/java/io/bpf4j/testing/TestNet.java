package io.bpf4j.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Two network namespaces joined by a veth pair, made by the test and removed by close():
 * {@code A} holds 10.199.N.1/24 on {@code veth-a}, {@code B} holds 10.199.N.2/24 on {@code veth-b}.
 * Traffic stays between them.
 */
public final class TestNet implements AutoCloseable {
    public final String a;
    public final String b;
    public final String addrA;
    public final String addrB;

    public TestNet() {
        long id = ProcessHandle.current().pid() % 200 + 20;
        a = "bpf4j_a" + id;
        b = "bpf4j_b" + id;
        addrA = "10.199." + id + ".1";
        addrB = "10.199." + id + ".2";
        cleanup();
        try {
            sh("ip netns add " + a);
            sh("ip netns add " + b);
            sh("ip link add veth-a netns " + a + " type veth peer name veth-b netns " + b);
            sh("ip -n " + a + " addr add " + addrA + "/24 dev veth-a");
            sh("ip -n " + b + " addr add " + addrB + "/24 dev veth-b");
            sh("ip -n " + a + " link set veth-a up");
            sh("ip -n " + b + " link set veth-b up");
            sh("ip -n " + a + " link set lo up");
            sh("ip -n " + b + " link set lo up");
        } catch (IllegalStateException e) {
            cleanup();
            Assumptions.abort("cannot build the test network (iproute2, netns, veth): " + e.getMessage());
        }
    }

    /** Pings B from A {@code count} times; true when every reply came back. */
    public boolean pingBFromA(int count) {
        return run("ip netns exec " + a + " ping -c " + count + " -i 0.2 -W 1 " + addrB) == 0;
    }

    public static void sh(String cmd) {
        if (run(cmd) != 0) {
            throw new IllegalStateException("failed: " + cmd);
        }
    }

    public static int run(String cmd) {
        try {
            Process p = new ProcessBuilder(List.of("sh", "-c", cmd))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(cmd + ": interrupted", e);
        }
    }

    private void cleanup() {
        List<String> cmds = new ArrayList<>(List.of("ip netns del " + a, "ip netns del " + b));
        cmds.forEach(TestNet::run);
    }

    @Override
    public void close() {
        cleanup();
    }
}
