/**
 * BPF ring buffers over mmap and epoll: readers of BPF_MAP_TYPE_RINGBUF (handlers, subscriptions,
 * streams, a fan-out to several subscribers) and the writer of BPF_MAP_TYPE_USER_RINGBUF.
 */
package io.bpf4j.ringbuf;
