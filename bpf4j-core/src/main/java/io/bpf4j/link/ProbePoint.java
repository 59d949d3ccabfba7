package io.bpf4j.link;

/**
 * Where a kprobe or uprobe fires: on entry to the function (at its offset) or on its return.
 *
 * <pre>{@code
 * Uprobe.Spec.of("libc.so.6", "getpid").at(ProbePoint.RETURN)
 * }</pre>
 */
public enum ProbePoint {
    /** kprobe / uprobe: the function's first instruction plus the offset. */
    ENTRY,
    /** kretprobe / uretprobe: the function's return. */
    RETURN
}
