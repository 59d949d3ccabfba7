package io.bpf4j.btf;

/**
 * A BTF feature an older kernel lacks, for {@link BtfWriter#write(Btf, java.util.Set)} to rewrite
 * away as libbpf's sanitizer does. Type ids are kept: every type is replaced by exactly one type.
 *
 * <pre>{@code
 * byte[] forOldKernel = BtfWriter.write(btf, EnumSet.of(Sanitize.DECL_TAG, Sanitize.TYPE_TAG));
 * }</pre>
 */
public enum Sanitize {
    /** DECL_TAG (5.16) becomes a nameless 1-byte INT. */
    DECL_TAG,
    /** TYPE_TAG (5.17) becomes CONST of its target, nameless. */
    TYPE_TAG,
    /** ENUM64 (6.0) becomes a member-less UNION of the same size; a signed ENUM (6.0) an unsigned one. */
    ENUM64,
    /** FLOAT (5.13) becomes a member-less STRUCT of the same size. */
    FLOAT,
    /** DATASEC/VAR (5.2): a VAR becomes a nameless 1-byte INT, a DATASEC a STRUCT of its variables. */
    DATASEC_VAR,
    /** FUNC linkage (5.6): every FUNC becomes static. */
    FUNC_LINKAGE
}
