package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The values libbpf's {@code usdt.bpf.h} reads: {@code struct __bpf_usdt_spec} (one per distinct
 * argument string of an attachment, in the array map {@code __bpf_usdt_specs}, keyed by a spec id
 * the program finds in its BPF cookie), and the allocation of those ids per spec map.
 *
 * <p>Layout (little-endian): 12 {@code struct __bpf_usdt_arg_spec} of 16 bytes ({@code u64 val_off};
 * {@code arg_type} in the low byte of the next 4 bytes — a 4-byte enum in libbpf 1.1, an 8-bit
 * bitfield followed by the SIB index fields in later versions, the same bytes for these types;
 * {@code short reg_off}; {@code bool arg_signed}; {@code char arg_bitshift}), then
 * {@code u64 usdt_cookie} at 192 and {@code short arg_cnt} at 200: 208 bytes with padding.
 */
final class UsdtSpecs {
    static final String SPECS_MAP = "__bpf_usdt_specs";
    static final String IP_MAP = "__bpf_usdt_ip_to_spec_id";
    static final int SPEC_SIZE = 208;
    static final int ARG_CONST = 0;
    static final int ARG_REG = 1;
    static final int ARG_REG_DEREF = 2;
    private static final int ARG_SIZE = 16;
    private static final int COOKIE_AT = UsdtArgumentParser.MAX_ARGS * ARG_SIZE;
    private static final int COUNT_AT = COOKIE_AT + 8;

    /** Spec ids in use, per spec map (one per loaded object); weak so a closed object's entry goes. */
    private static final Map<BpfMap, BitSet> USED = new WeakHashMap<>();

    private UsdtSpecs() {}

    /** The 208-byte spec value for {@code args} and the user's {@code cookie}. */
    static byte[] encode(List<UsdtArgument> args, long cookie) {
        ByteBuffer b = ByteBuffer.allocate(SPEC_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < args.size(); i++) {
            int at = i * ARG_SIZE;
            UsdtArgument a = args.get(i);
            switch (a) {
                case UsdtArgument.Constant c -> {
                    b.putLong(at, c.value());
                    b.putInt(at + 8, ARG_CONST);
                }
                case UsdtArgument.Register r -> {
                    b.putInt(at + 8, ARG_REG);
                    b.putShort(at + 12, (short) (int) UsdtArgumentParser.PT_REGS.get(r.register()));
                }
                case UsdtArgument.Memory m -> {
                    b.putLong(at, m.offset());
                    b.putInt(at + 8, ARG_REG_DEREF);
                    b.putShort(at + 12, (short) (int) UsdtArgumentParser.PT_REGS.get(m.register()));
                }
            }
            b.put(at + 14, (byte) (a.signed() ? 1 : 0));
            b.put(at + 15, (byte) (64 - a.size() * 8));
        }
        b.putLong(COOKIE_AT, cookie);
        b.putShort(COUNT_AT, (short) args.size());
        return b.array();
    }

    /** Checks that {@code specs} is usdt.bpf.h's spec map: int keys, 208-byte values. */
    static void check(BpfMap specs) {
        if (specs.keySize() != 4 || specs.valueSize() != SPEC_SIZE) {
            throw new BpfException(
                    "map " + SPECS_MAP + " has " + specs.keySize() + "-byte keys and " + specs.valueSize()
                            + "-byte values; libbpf's usdt.bpf.h declares 4-byte keys and " + SPEC_SIZE
                            + "-byte struct __bpf_usdt_spec values (is the object built with another usdt.bpf.h?)");
        }
    }

    /** The lowest free spec id of {@code specs}, now taken. */
    static int allocate(BpfMap specs, String what) {
        synchronized (USED) {
            BitSet used = USED.computeIfAbsent(specs, m -> new BitSet());
            int id = used.nextClearBit(0);
            if (id >= specs.maxEntries()) {
                throw new BpfException(
                        "cannot attach " + what + ": all " + specs.maxEntries() + " USDT spec slots of map " + SPECS_MAP
                                + " are in use; define BPF_USDT_MAX_SPEC_CNT larger before including usdt.bpf.h",
                        io.bpf4j.Errno.E2BIG.number(),
                        "usdt",
                        SPECS_MAP);
            }
            used.set(id);
            return id;
        }
    }

    /** Gives spec ids back (their map values are overwritten when reused). */
    static void free(BpfMap specs, int[] ids) {
        synchronized (USED) {
            BitSet used = USED.get(specs);
            if (used != null) {
                for (int id : ids) {
                    used.clear(id);
                }
            }
        }
    }
}
