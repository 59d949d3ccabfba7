/**
 * The one door to the kernel. Every system call bpf4j makes goes through {@link
 * io.bpf4j.internal.sys.Libc} here (bpf(2), perf_event_open, mmap, epoll, ioctl, setns, netlink
 * sockets, read, close); the {@code union bpf_attr} members are declared once as {@code
 * MemoryLayout}s ({@link io.bpf4j.internal.sys.Attr}, {@link io.bpf4j.internal.sys.LinkAttr}) and
 * filled by typed functions ({@link io.bpf4j.internal.sys.Links} per link command and kind, {@link
 * io.bpf4j.internal.sys.MapCreate}); {@link io.bpf4j.internal.sys.Fd} owns a descriptor. Other
 * packages still fill the map element, program load and test-run members of {@code Attr}
 * themselves, through these layouts. {@code io.bpf4j.ArchitectureTest} keeps syscalls, downcalls
 * and the link layouts inside this package. Not exported.
 */
package io.bpf4j.internal.sys;
