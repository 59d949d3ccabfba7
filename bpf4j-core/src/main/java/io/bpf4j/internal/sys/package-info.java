/** The only package that calls the kernel: bpf(2), perf_event_open, mmap, epoll, ioctl, setns. Not exported. */
package io.bpf4j.internal.sys;
