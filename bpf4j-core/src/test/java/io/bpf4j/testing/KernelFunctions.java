package io.bpf4j.testing;

import io.bpf4j.btf.KernelBtf;
import io.bpf4j.btf.Type;
import java.util.List;

/**
 * Kernel functions the tests trace, picked by name from the running kernel's BTF: kernels rename
 * their internals (Linux 7.3 has {@code filename_unlinkat} where earlier kernels have
 * {@code do_unlinkat}), so a test names the event it needs, not one kernel's function.
 *
 * <pre>{@code
 * String f = KernelFunctions.unlinkat();   // "do_unlinkat" on 5.10 to 7.2, "filename_unlinkat" on 7.3
 * spec = spec.withAttachTarget("on_unlink", f);
 * }</pre>
 */
public final class KernelFunctions {
    /** Called once per unlink(2) of a file, whatever the filesystem (not vfs_unlink: overlayfs calls it twice). */
    private static final List<String> UNLINKAT = List.of("do_unlinkat", "filename_unlinkat");

    private KernelFunctions() {}

    /** The function the kernel runs once for each unlink/unlinkat system call. */
    public static String unlinkat() {
        return first(UNLINKAT);
    }

    private static String first(List<String> candidates) {
        var btf = KernelBtf.vmlinux();
        for (String name : candidates) {
            if (btf.find(name, Type.Func.class).isPresent()) {
                return name;
            }
        }
        throw new IllegalStateException("the running kernel's BTF has none of " + candidates
                + ": add this kernel's name for the function to io.bpf4j.testing.KernelFunctions");
    }
}
