package io.bpf4j.btf;

import io.bpf4j.BpfException;

/**
 * Malformed, truncated or hostile BTF: the message names the byte offset (or type id) and what is
 * wrong with it.
 *
 * <pre>{@code
 * try {
 *     Btf.parse(bytes);
 * } catch (BtfException e) {
 *     System.err.println("bad BTF: " + e.getMessage());
 * }
 * }</pre>
 */
public class BtfException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** A BTF format error described by {@code message}. */
    public BtfException(String message) {
        super(message);
    }

    /** A BTF format error caused by another exception (e.g. an I/O error reading kernel BTF). */
    public BtfException(String message, Throwable cause) {
        super(message, cause);
    }
}
