/**
 * Attaching programs: one {@link io.bpf4j.link.AttachSpec} record per lane (where and how) and
 * one {@link io.bpf4j.link.Link} type per kind of attachment (what holds it; closing detaches).
 * Each kind's class is both: {@code Tracepoint.attach(program, Tracepoint.Spec.of("syscalls/sys_enter_execve"))}
 * returns a {@code Tracepoint}. {@link io.bpf4j.link.Attach#attach} takes any spec;
 * {@code BpfObject.attachAll(AttachOptions)} attaches a whole object as libbpf's skeleton does.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.read(path).load()) {
 *     AttachAll.Result r = obj.attachAll(AttachOptions.defaults()
 *             .spec("on_read", Uprobe.Spec.of("libc.so.6", "read"))
 *             .spec("ingress", Xdp.Spec.allInterfaces()));
 *     r.skipped().forEach(s -> System.err.println(s.program() + ": " + s.reason()));
 * }
 * }</pre>
 */
package io.bpf4j.link;
