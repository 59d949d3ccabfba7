/** Attaching programs to kernel and user-space events; every attachment is a Link. */
package io.bpf4j.link;
