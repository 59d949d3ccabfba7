/** Codecs between Java values and the bytes of map keys, values and events. */
package io.bpf4j.codec;
