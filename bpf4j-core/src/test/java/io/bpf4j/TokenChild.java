package io.bpf4j;

import io.bpf4j.internal.sys.Libc;
import io.bpf4j.link.Link;
import io.bpf4j.link.Xdp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.file.Path;

/**
 * The child of {@link BpfTokenTest}, started by {@code unshare --user --map-root-user --mount
 * --net}: root of its own user namespace, without any capability in the initial one. It opens a
 * bpffs context (fsopen, owned by its namespace), lets the parent set the delegate_* options
 * (which only a process privileged in the initial namespace may set), mounts it at the directory
 * given, then loads token_xdp.bpf.o without a token (refused) and with one, and attaches it to
 * its own loopback device. It reports each step on stdout, one line each.
 */
public final class TokenChild {
    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_FSOPEN = 430;
    private static final long SYS_FSMOUNT = 432;
    private static final int AT_FDCWD = -100;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 4;

    private TokenChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path object = Path.of(args[1]);
        try (Arena arena = Arena.ofConfined()) {
            long fs = Libc.syscall(SYS_FSOPEN, arena.allocateFrom("bpf").address(), 1 /* FSOPEN_CLOEXEC */, 0, 0, 0, 0);
            if (fs < 0) {
                System.out.println("FAIL fsopen(bpf): " + Errno.nameOf((int) -fs));
                return;
            }
            System.out.println("FSFD " + fs);
            System.out.flush();
            String go = new BufferedReader(new InputStreamReader(System.in)).readLine();
            if (!"CONFIGURED".equals(go)) {
                System.out.println("FAIL the parent said " + go);
                return;
            }
            long mnt = Libc.syscall(SYS_FSMOUNT, fs, 1 /* FSMOUNT_CLOEXEC */, 0, 0, 0, 0);
            if (mnt < 0) {
                System.out.println("FAIL fsmount: " + Errno.nameOf((int) -mnt));
                return;
            }
            long moved = Libc.syscall(
                    SYS_MOVE_MOUNT,
                    mnt,
                    arena.allocateFrom("").address(),
                    AT_FDCWD,
                    arena.allocateFrom(dir.toString()).address(),
                    MOVE_MOUNT_F_EMPTY_PATH,
                    0);
            if (moved < 0) {
                System.out.println("FAIL move_mount to " + dir + ": " + Errno.nameOf((int) -moved));
                return;
            }
        }
        ObjectSpec spec = ObjectSpec.read(object);
        try (BpfObject obj = spec.load(ObjectOptions.DEFAULT.withoutToken())) {
            System.out.println("FAIL loaded without a token: " + obj.programs().keySet());
        } catch (BpfException e) {
            System.out.println("WITHOUT " + e.getClass().getSimpleName() + " "
                    + e.errno().map(Enum::name).orElse("?") + " "
                    + e.getMessage().replace('\n', ' '));
        }
        try (BpfObject obj = spec.load(ObjectOptions.DEFAULT.withTokenPath(dir));
                Link link = Xdp.attach(obj.program("token_xdp_pass"), "lo", Xdp.Mode.GENERIC)) {
            System.out.println("WITH loaded " + obj.programs().keySet() + " maps "
                    + obj.maps().keySet() + " attached " + link.description());
        } catch (RuntimeException e) {
            System.out.println("FAIL with the token: " + e.getClass().getSimpleName() + " "
                    + e.getMessage().replace('\n', ' '));
        }
        try (BpfToken token = BpfToken.create(dir);
                BpfToken copy = BpfToken.fromFd(token.fd());
                BpfObject obj = spec.load(ObjectOptions.DEFAULT.withToken(copy))) {
            System.out.println("TOKEN " + token + " loaded " + obj.programs().keySet());
        } catch (RuntimeException e) {
            System.out.println("FAIL with a given token: " + e.getMessage().replace('\n', ' '));
        }
        // The parent set LIBBPF_BPF_TOKEN_PATH to the mount: the default options take the token from it.
        try (BpfObject obj = spec.load()) {
            System.out.println("ENV loaded " + obj.programs().keySet());
        } catch (RuntimeException e) {
            System.out.println("FAIL with " + BpfToken.PATH_VARIABLE + ": "
                    + e.getMessage().replace('\n', ' '));
        }
    }
}
