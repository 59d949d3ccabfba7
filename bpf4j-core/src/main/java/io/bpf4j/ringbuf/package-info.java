/** Readers of BPF ring buffers (BPF_MAP_TYPE_RINGBUF) over mmap and epoll. */
package io.bpf4j.ringbuf;
