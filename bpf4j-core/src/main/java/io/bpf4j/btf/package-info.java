/** BPF Type Format: the object's and the kernel's types, reader, writer, C header writer, CO-RE. */
package io.bpf4j.btf;
