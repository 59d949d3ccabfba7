package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.internal.sys.Libc;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * BPF tokens for real: a child JVM in a user namespace of its own ({@link TokenChild}) gets a bpffs
 * whose delegate_* options this (privileged) process sets through the child's fs context (taken
 * with pidfd_getfd, as the kernel's selftests pass it over a socket), then loads and attaches an
 * object with the token, and is refused (EPERM, named) without it.
 */
class BpfTokenTest {
    private static final long SYS_FSCONFIG = 431;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_GETFD = 438;
    private static final int FSCONFIG_SET_STRING = 1;
    private static final int FSCONFIG_CMD_CREATE = 6;

    @Test
    void initialNamespaceGetsNoTokenAndSaysWhy() {
        Kernel.assumeRoot();
        KernelFeature.assume(BpfToken::supported, "BPF tokens", () -> "BPF_TOKEN_CREATE is unknown (Linux 6.9)");
        Path bpffs = Kernel.bpffs();
        BpfException e =
                org.junit.jupiter.api.Assertions.assertThrows(BpfException.class, () -> BpfToken.create(bpffs));
        assertTrue(e.getMessage().contains("EOPNOTSUPP") || e.getMessage().contains("ENOENT"), e.getMessage());
        // The default (no LIBBPF_BPF_TOKEN_PATH in this test's environment) quietly loads without one.
        try (BpfObject obj = ObjectSpec.read(Kernel.bpfObject("token_xdp")).load()) {
            assertTrue(obj.programs().containsKey("token_xdp_pass"));
        }
    }

    @Test
    void childInItsOwnUserNamespaceLoadsWithTheTokenOnly() throws Exception {
        Kernel.assumeRoot();
        KernelFeature.assume(BpfToken::supported, "BPF tokens", () -> "BPF_TOKEN_CREATE is unknown (Linux 6.9)");
        Path dir = Files.createTempDirectory("b4j-token-");
        List<String> cmd = List.of(
                "unshare",
                "--user",
                "--map-root-user",
                "--mount",
                "--net",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                TokenChild.class.getName(),
                dir.toString(),
                Kernel.bpfObject("token_xdp").toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(BpfToken.PATH_VARIABLE, dir.toString());
        Process child = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = child.getOutputStream()) {
            String first = out.readLine();
            while (first != null && !first.startsWith("FSFD ") && !first.startsWith("FAIL")) {
                lines.add(first); // what the JVM says before the child's first line
                first = out.readLine();
            }
            lines.add(String.valueOf(first));
            if (first == null || !first.startsWith("FSFD ")) {
                String early = String.join("\n", lines);
                throw new AssertionError("the child did not open a bpffs context:\n" + early + "\n" + drain(out));
            }
            configure(child.pid(), Integer.parseInt(first.substring(5).trim()));
            in.write("CONFIGURED\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            for (String l; (l = out.readLine()) != null; ) {
                lines.add(l);
            }
        } finally {
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            Files.deleteIfExists(dir);
        }
        String all = String.join("\n", lines);
        assertEquals(0, child.exitValue(), all);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("FAIL")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("WITHOUT PermissionException EPERM")), all);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("WITH loaded [token_xdp_pass]")
                                && l.contains("token_packets")
                                && l.contains("xdp")),
                all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("TOKEN ") && l.contains("token_xdp_pass")), all);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV loaded [token_xdp_pass]")), all);
    }

    /** Sets delegate_{cmds,maps,progs,attachs}=any on the child's bpffs context and creates the superblock. */
    private static void configure(long pid, int childFd) {
        try (Arena arena = Arena.ofConfined()) {
            long pidfd = check(Libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0, 0, 0), "pidfd_open");
            try {
                long fs = check(Libc.syscall(SYS_PIDFD_GETFD, pidfd, childFd, 0, 0, 0, 0), "pidfd_getfd");
                try {
                    for (String option :
                            List.of("delegate_cmds", "delegate_maps", "delegate_progs", "delegate_attachs")) {
                        check(
                                Libc.syscall(
                                        SYS_FSCONFIG,
                                        fs,
                                        FSCONFIG_SET_STRING,
                                        arena.allocateFrom(option).address(),
                                        arena.allocateFrom("any").address(),
                                        0,
                                        0),
                                "fsconfig " + option + "=any");
                    }
                    check(Libc.syscall(SYS_FSCONFIG, fs, FSCONFIG_CMD_CREATE, 0, 0, 0, 0), "fsconfig create");
                } finally {
                    Libc.syscall(Libc.SYS_CLOSE, fs, 0, 0);
                }
            } finally {
                Libc.syscall(Libc.SYS_CLOSE, pidfd, 0, 0);
            }
        }
    }

    private static long check(long r, String what) {
        if (r < 0) {
            throw new IllegalStateException(what + ": " + Errno.nameOf((int) -r));
        }
        return r;
    }

    private static String drain(BufferedReader out) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (String l; (l = out.readLine()) != null; ) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }
}
