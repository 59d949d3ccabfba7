package io.bpf4j.btf;

import java.util.Objects;

/**
 * One CO-RE relocation record of {@code .BTF.ext} ({@code struct bpf_core_relo}): the instruction
 * to patch, the local root type, the access string ("0:1:2" field path, or enumerator index) and
 * what to compute.
 *
 * <pre>{@code
 * new CoreRelocation(12, taskStructId, "0:24", CoreRelocation.Kind.FIELD_BYTE_OFFSET);
 * }</pre>
 *
 * @param slot the instruction slot within its code section (the record's insn_off / 8)
 * @param typeId the root type id in the object's own BTF
 * @param accessString the access string from the BTF string section
 * @param kind what the relocation computes
 */
public record CoreRelocation(int slot, int typeId, String accessString, Kind kind) {

    /** {@code enum bpf_core_relo_kind}, in the kernel's order. */
    public enum Kind {
        FIELD_BYTE_OFFSET,
        FIELD_BYTE_SIZE,
        FIELD_EXISTS,
        FIELD_SIGNED,
        FIELD_LSHIFT_U64,
        FIELD_RSHIFT_U64,
        TYPE_ID_LOCAL,
        TYPE_ID_TARGET,
        TYPE_EXISTS,
        TYPE_SIZE,
        ENUMVAL_EXISTS,
        ENUMVAL_VALUE,
        TYPE_MATCHES;

        /** The kind with this number. */
        public static Kind of(int n) {
            Kind[] all = values();
            if (n < 0 || n >= all.length) {
                throw new IllegalArgumentException("unknown CO-RE relocation kind " + n);
            }
            return all[n];
        }

        boolean isField() {
            return ordinal() <= FIELD_RSHIFT_U64.ordinal();
        }

        boolean isType() {
            return this == TYPE_ID_LOCAL
                    || this == TYPE_ID_TARGET
                    || this == TYPE_EXISTS
                    || this == TYPE_SIZE
                    || this == TYPE_MATCHES;
        }

        boolean isEnumValue() {
            return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
        }
    }

    /** Checks for nulls. */
    public CoreRelocation {
        Objects.requireNonNull(accessString, "accessString");
        Objects.requireNonNull(kind, "kind");
    }
}
