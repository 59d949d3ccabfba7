package io.bpf4j.btf;

import static io.bpf4j.btf.CoreTypes.ARRAY;
import static io.bpf4j.btf.CoreTypes.ENUM;
import static io.bpf4j.btf.CoreTypes.ENUM64;
import static io.bpf4j.btf.CoreTypes.FLOAT;
import static io.bpf4j.btf.CoreTypes.FUNC_PROTO;
import static io.bpf4j.btf.CoreTypes.FWD;
import static io.bpf4j.btf.CoreTypes.INT;
import static io.bpf4j.btf.CoreTypes.PTR;
import static io.bpf4j.btf.CoreTypes.STRUCT;
import static io.bpf4j.btf.CoreTypes.UNION;

import io.bpf4j.BpfException;
import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compile Once – Run Everywhere: rewrites the instructions clang marked with CO-RE relocations
 * so that field offsets, sizes, existence checks, type ids and enum values match the running
 * kernel's BTF instead of the vmlinux.h the program was compiled against. Follows libbpf's
 * relo_core.c: candidates are the target types with the same essential name (ignoring a
 * {@code ___flavor} suffix) and kind; every matching candidate must agree; a relocation no
 * candidate satisfies turns its instruction into a call of the invalid helper {@code 0xbad2310},
 * which the verifier reports only if that code is reachable.
 *
 * <pre>{@code
 * CoreRelocator core = new CoreRelocator(objectBtf, kernelBtf);
 * List<Instruction> patched = core.apply("on_exec", sectionInsns, relocationsOfThatSection);
 * }</pre>
 */
public final class CoreRelocator {
    /** The helper id a poisoned instruction calls ("bad relo"); the verifier prints it as unknown#195896080. */
    public static final int POISON_HELPER = 0xbad2310;

    private static final int MAX_SPEC_LEN = 64;

    private final CoreTypes local;
    private final CoreTypes target;
    private final Map<Integer, List<Integer>> candidates = new HashMap<>();

    /**
     * A relocator from an object's BTF to a target (kernel) BTF.
     *
     * @param local the object's own BTF (where relocation type ids and access strings point)
     * @param target the BTF of the kernel the program will run on
     */
    public CoreRelocator(CoreTypes local, CoreTypes target) {
        this.local = local;
        this.target = target;
    }

    /**
     * What a relocation resolves to.
     *
     * @param poison no candidate satisfies it: the instruction becomes an invalid helper call
     * @param originalValue the value the compiler put in (from the local BTF)
     * @param newValue the value for the target
     * @param validate whether the instruction must carry {@code originalValue} (it is checked)
     * @param originalSize for a field load/store: the local field's size in bytes (0 otherwise)
     * @param newSize the target field's size
     * @param failMemSizeAdjust the access size changes in a way a load cannot follow (poison a load/store)
     */
    public record Result(
            boolean poison,
            long originalValue,
            long newValue,
            boolean validate,
            int originalSize,
            int newSize,
            boolean failMemSizeAdjust) {
        static Result poisoned() {
            return new Result(true, 0, 0, false, 0, 0, false);
        }
    }

    /**
     * Applies every relocation of one code section (slots relative to that section) and
     * returns the patched instructions.
     *
     * @param program names the program (or section) in errors
     * @throws BpfException when a relocation is malformed, ambiguous, or its instruction does not
     *         hold what the compiler should have put there
     */
    public List<Instruction> apply(String program, List<Instruction> insns, List<CoreRelocation> relos) {
        List<Instruction> out = new ArrayList<>(insns);
        // Descending slots: poisoning an lddw turns one element into two, shifting later indexes.
        List<CoreRelocation> sorted = new ArrayList<>(relos);
        sorted.sort(Comparator.comparingInt(CoreRelocation::slot).reversed());
        int[] slotToIndex = slotIndex(insns);
        for (int n = 0; n < sorted.size(); n++) {
            CoreRelocation r = sorted.get(n);
            if (r.slot() < 0 || r.slot() >= slotToIndex.length || slotToIndex[r.slot()] < 0) {
                throw new BpfException("program \"" + program + "\": CO-RE relocation at instruction " + r.slot()
                        + " does not point at an instruction start");
            }
            Result res = compute(program, r);
            patch(program, out, slotToIndex[r.slot()], r, res);
        }
        return out;
    }

    private static int[] slotIndex(List<Instruction> insns) {
        int[] map = new int[Instruction.slotCount(insns)];
        int s = 0;
        for (int i = 0; i < insns.size(); i++) {
            map[s++] = i;
            if (insns.get(i).isLoadImm64()) {
                map[s++] = -1;
            }
        }
        return map;
    }

    /** Resolves one relocation against the target BTF without patching anything. */
    public Result compute(String program, CoreRelocation r) {
        int localId = r.typeId();
        String localName = local.name(localId);
        CoreSpec localSpec = parse(program, r);
        if (r.kind() == CoreRelocation.Kind.TYPE_ID_LOCAL) {
            return new Result(false, localId, localId, false, 0, 0, false);
        }
        if (localName.isEmpty()) {
            throw new BpfException("program \"" + program + "\": CO-RE relocation " + r.kind() + " at instruction "
                    + r.slot() + " is on an anonymous type [" + localId + "], which has no candidates to match");
        }
        Result chosen = null;
        CoreSpec chosenSpec = null;
        List<Integer> cands = candidates.computeIfAbsent(localId, this::findCandidates);
        List<Integer> kept = new ArrayList<>();
        for (int cand : cands) {
            Optional<CoreSpec> m = match(localSpec, cand, r.kind());
            if (m.isEmpty()) {
                continue;
            }
            Result res = calc(program, r, localSpec, m.get());
            if (chosen == null) {
                chosen = res;
                chosenSpec = m.get();
            } else if (m.get().bitOffset != chosenSpec.bitOffset) {
                throw new BpfException("program \"" + program + "\": CO-RE relocation of " + localSpec.describe()
                        + " is ambiguous: kernel types [" + chosenSpec.rootId + "] and [" + cand
                        + "] place it at different offsets (" + chosenSpec.bitOffset + " and " + m.get().bitOffset
                        + " bits)");
            } else if (res.poison() != chosen.poison() || res.newValue() != chosen.newValue()) {
                throw new BpfException(
                        "program \"" + program + "\": CO-RE relocation " + r.kind() + " of " + localSpec.describe()
                                + " is ambiguous: candidates give " + chosen.newValue() + " and " + res.newValue());
            }
            kept.add(cand);
        }
        if (!kept.isEmpty()) {
            candidates.put(localId, kept); // later relocations of this type skip the misfits
        }
        if (chosen == null) {
            return calc(program, r, localSpec, null);
        }
        return chosen;
    }

    private List<Integer> findCandidates(int localId) {
        String essential = CoreTypes.essentialName(local.name(localId));
        int localKind = local.kind(localId);
        List<Integer> out = new ArrayList<>();
        for (int id : target.idsWithEssentialName(essential)) {
            int k = target.kind(id);
            if (k == localKind || (isEnumKind(k) && isEnumKind(localKind))) {
                out.add(id);
            }
        }
        return out;
    }

    private static boolean isEnumKind(int k) {
        return k == ENUM || k == ENUM64;
    }

    // ---- specs -------------------------------------------------------------------------------

    private CoreSpec parse(String program, CoreRelocation r) {
        CoreSpec spec = new CoreSpec(local, r.typeId());
        String s = r.accessString();
        if (r.kind().isType()) {
            if (!s.equals("0")) {
                throw badSpec(program, r, "a type relocation's access string must be \"0\"");
            }
            return spec;
        }
        String[] parts = s.split(":");
        if (s.isEmpty() || parts.length > MAX_SPEC_LEN) {
            throw badSpec(program, r, "empty or too long access string");
        }
        for (String p : parts) {
            try {
                spec.raw.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw badSpec(program, r, "access string is not numbers separated by ':'");
            }
        }
        int id = local.skipModsAndTypedefs(r.typeId());
        int first = spec.raw.get(0);
        if (r.kind().isEnumValue()) {
            if (!local.isEnum(id) || spec.raw.size() > 1 || first >= local.vlen(id)) {
                throw badSpec(program, r, "not an enumerator of an enum");
            }
            spec.accessors.add(new CoreSpec.Accessor(id, first, local.memberName(id, first)));
            return spec;
        }
        spec.accessors.add(new CoreSpec.Accessor(id, first, null));
        spec.bitOffset = first * local.resolveSize(id) * 8;
        for (int i = 1; i < spec.raw.size(); i++) {
            id = local.skipModsAndTypedefs(id);
            int idx = spec.raw.get(i);
            if (local.isComposite(id)) {
                if (idx >= local.vlen(id)) {
                    throw badSpec(program, r, "member " + idx + " of " + local.name(id) + " does not exist");
                }
                spec.bitOffset += local.memberBitOffset(id, idx);
                String name = local.memberName(id, idx);
                if (!name.isEmpty()) {
                    spec.accessors.add(new CoreSpec.Accessor(id, idx, name));
                }
                id = local.memberType(id, idx);
            } else if (local.kind(id) == ARRAY) {
                int elem = local.skipModsAndTypedefs(local.arrayElement(id));
                boolean flex = isFlexArray(local, spec.last(), id);
                if (!flex && idx >= local.arrayLength(id)) {
                    throw badSpec(program, r, "array index " + idx + " out of bounds");
                }
                spec.accessors.add(new CoreSpec.Accessor(elem, idx, null));
                spec.bitOffset += idx * local.resolveSize(elem) * 8;
                id = elem;
            } else {
                throw badSpec(program, r, "step " + i + " goes into type [" + id + "] of kind " + local.kind(id));
            }
        }
        return spec;
    }

    private static boolean isFlexArray(CoreTypes btf, CoreSpec.Accessor enclosing, int arrayId) {
        if (enclosing.name() == null || btf.arrayLength(arrayId) > 0) {
            return false;
        }
        return enclosing.idx() == btf.vlen(enclosing.typeId()) - 1;
    }

    private BpfException badSpec(String program, CoreRelocation r, String why) {
        return new BpfException("program \"" + program + "\": malformed CO-RE relocation " + r.kind()
                + " at instruction " + r.slot() + " on [" + r.typeId() + "] " + local.name(r.typeId()) + " + \""
                + r.accessString() + "\": " + why);
    }

    /** Matches the local spec against one candidate; empty when the candidate does not fit. */
    private Optional<CoreSpec> match(CoreSpec localSpec, int candId, CoreRelocation.Kind kind) {
        CoreSpec t = new CoreSpec(target, candId);
        if (kind.isType()) {
            boolean ok = kind == CoreRelocation.Kind.TYPE_MATCHES
                    ? typesMatch(localSpec.rootId, candId, 0)
                    : typesCompatible(localSpec.rootId, candId, 0);
            return ok ? Optional.of(t) : Optional.empty();
        }
        if (kind.isEnumValue()) {
            int id = target.skipModsAndTypedefs(candId);
            if (!target.isEnum(id)) {
                return Optional.empty();
            }
            String want = CoreTypes.essentialName(localSpec.accessors.get(0).name());
            for (int i = 0; i < target.vlen(id); i++) {
                String n = target.memberName(id, i);
                if (CoreTypes.essentialName(n).equals(want)) {
                    t.accessors.add(new CoreSpec.Accessor(id, i, n));
                    t.raw.add(i);
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
        int id = candId;
        for (int i = 0; i < localSpec.accessors.size(); i++) {
            CoreSpec.Accessor la = localSpec.accessors.get(i);
            id = target.skipModsAndTypedefs(id);
            if (la.name() != null) {
                int[] next = new int[1];
                if (!matchMember(la, id, t, next)) {
                    return Optional.empty();
                }
                id = next[0];
            } else {
                if (i > 0) {
                    if (target.kind(id) != ARRAY) {
                        return Optional.empty();
                    }
                    boolean flex = isFlexArray(target, t.last(), id);
                    if (!flex && la.idx() >= target.arrayLength(id)) {
                        return Optional.empty();
                    }
                    id = target.skipModsAndTypedefs(target.arrayElement(id));
                }
                if (t.raw.size() == MAX_SPEC_LEN) {
                    return Optional.empty();
                }
                t.accessors.add(new CoreSpec.Accessor(id, la.idx(), null));
                t.raw.add(la.idx());
                t.bitOffset += la.idx() * target.resolveSize(id) * 8;
            }
        }
        return Optional.of(t);
    }

    /** Finds the local named member in the target composite, through anonymous members. */
    private boolean matchMember(CoreSpec.Accessor la, int targId, CoreSpec t, int[] next) {
        targId = target.skipModsAndTypedefs(targId);
        if (!target.isComposite(targId)) {
            return false;
        }
        int localMemberType = local.memberType(la.typeId(), la.idx());
        for (int i = 0; i < target.vlen(targId); i++) {
            if (t.raw.size() == MAX_SPEC_LEN) {
                return false;
            }
            int bit = target.memberBitOffset(targId, i);
            t.bitOffset += bit;
            t.raw.add(i);
            String name = target.memberName(targId, i);
            if (name.isEmpty()) {
                if (matchMember(la, target.memberType(targId, i), t, next)) {
                    return true;
                }
            } else if (name.equals(la.name())) {
                next[0] = target.memberType(targId, i);
                if (fieldsCompatible(localMemberType, next[0])) {
                    t.accessors.add(new CoreSpec.Accessor(targId, i, name));
                    return true;
                }
                t.bitOffset -= bit;
                t.raw.removeLast();
                return false;
            }
            t.bitOffset -= bit;
            t.raw.removeLast();
        }
        return false;
    }

    /** libbpf's field compatibility: loose, so that layout changes relocate. */
    private boolean fieldsCompatible(int localId, int targId) {
        for (int guard = 0; guard < 32; guard++) {
            localId = local.skipModsAndTypedefs(localId);
            targId = target.skipModsAndTypedefs(targId);
            if (local.isComposite(localId) && target.isComposite(targId)) {
                return true;
            }
            int lk = local.kind(localId);
            int tk = target.kind(targId);
            if (local.isEnum(localId) && target.isEnum(targId)) {
                return namesCompatible(local.name(localId), target.name(targId));
            }
            if (lk != tk) {
                return false;
            }
            switch (lk) {
                case PTR, FLOAT -> {
                    return true;
                }
                case FWD -> {
                    return namesCompatible(local.name(localId), target.name(targId));
                }
                case INT -> {
                    return local.intBitOffset(localId) == 0 && target.intBitOffset(targId) == 0;
                }
                case ARRAY -> {
                    localId = local.arrayElement(localId);
                    targId = target.arrayElement(targId);
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    private static boolean namesCompatible(String a, String b) {
        String ea = CoreTypes.essentialName(a);
        String eb = CoreTypes.essentialName(b);
        return ea.isEmpty() || eb.isEmpty() || ea.equals(eb);
    }

    /** libbpf's type compatibility for type-based relocations. */
    private boolean typesCompatible(int localId, int targId, int depth) {
        if (depth > 32) {
            return false;
        }
        localId = local.skipModsAndTypedefs(localId);
        targId = target.skipModsAndTypedefs(targId);
        int lk = local.kind(localId);
        int tk = target.kind(targId);
        if (lk != tk && !(isEnumKind(lk) && isEnumKind(tk))) {
            return false;
        }
        return switch (lk) {
            case 0, STRUCT, UNION, ENUM, ENUM64, FWD, FLOAT -> true;
            case INT -> local.intBitOffset(localId) == 0 && target.intBitOffset(targId) == 0;
            case PTR -> typesCompatible(local.ref(localId), target.ref(targId), depth + 1);
            case ARRAY -> typesCompatible(local.arrayElement(localId), target.arrayElement(targId), depth + 1);
            case FUNC_PROTO -> {
                if (local.vlen(localId) != target.vlen(targId)) {
                    yield false;
                }
                for (int i = 0; i < local.vlen(localId); i++) {
                    if (!typesCompatible(local.memberType(localId, i), target.memberType(targId, i), depth + 1)) {
                        yield false;
                    }
                }
                yield typesCompatible(local.ref(localId), target.ref(targId), depth + 1);
            }
            default -> false;
        };
    }

    /**
     * The stricter structural match of {@code bpf_core_type_matches}: essential names compared
     * (as libbpf: {@code task_struct___mine} may match {@code task_struct}), members by name and recursively by type, except behind a
     * pointer where a struct or union only needs the same kind; ints by bits and signedness;
     * enums by size and enumerator names; arrays by length.
     */
    private boolean typesMatch(int localId, int targId, int depth) {
        return typesMatch(localId, targId, false, depth);
    }

    private boolean typesMatch(int localId, int targId, boolean behindPtr, int depth) {
        for (int guard = 0; guard < 32 && depth < 32; guard++) {
            localId = local.skipModsAndTypedefs(localId);
            targId = target.skipModsAndTypedefs(targId);
            // libbpf's bpf_core_names_match: essential names (a ___flavor suffix dropped); an
            // anonymous target matches only an anonymous local type
            String ln = local.name(localId);
            String tn = target.name(targId);
            if (tn.isEmpty() ? !ln.isEmpty() : !CoreTypes.essentialName(ln).equals(CoreTypes.essentialName(tn))) {
                return false;
            }
            int lk = local.kind(localId);
            int tk = target.kind(targId);
            switch (lk) {
                case 0 -> {
                    return tk == 0;
                }
                case FWD -> {
                    if (behindPtr && tk != FWD) {
                        return tk == STRUCT || tk == UNION; // kflag (struct vs union) not in the view: accept either
                    }
                    return tk == FWD;
                }
                case ENUM, ENUM64 -> {
                    if (!isEnumKind(tk) || local.size(localId) != target.size(targId)) {
                        return false;
                    }
                    for (int i = 0; i < local.vlen(localId); i++) {
                        String want = local.memberName(localId, i);
                        boolean found = false;
                        for (int j = 0; j < target.vlen(targId) && !found; j++) {
                            found = target.memberName(targId, j).equals(want);
                        }
                        if (!found) {
                            return false;
                        }
                    }
                    return true;
                }
                case STRUCT, UNION -> {
                    if (behindPtr) {
                        return lk == tk || tk == FWD;
                    }
                    if (lk != tk || local.vlen(localId) > target.vlen(targId)) {
                        return false;
                    }
                    for (int i = 0; i < local.vlen(localId); i++) {
                        String want = local.memberName(localId, i);
                        boolean found = false;
                        for (int j = 0; j < target.vlen(targId) && !found; j++) {
                            found = (want.isEmpty()
                                            || target.memberName(targId, j).equals(want))
                                    && typesMatch(
                                            local.memberType(localId, i),
                                            target.memberType(targId, j),
                                            false,
                                            depth + 1);
                        }
                        if (!found) {
                            return false;
                        }
                    }
                    return true;
                }
                case INT -> {
                    return tk == INT
                            && local.size(localId) == target.size(targId)
                            && local.intSigned(localId) == target.intSigned(targId);
                }
                case PTR -> {
                    if (tk != PTR) {
                        return false;
                    }
                    behindPtr = true;
                    localId = local.ref(localId);
                    targId = target.ref(targId);
                }
                case ARRAY -> {
                    if (tk != ARRAY || local.arrayLength(localId) != target.arrayLength(targId)) {
                        return false;
                    }
                    localId = local.arrayElement(localId);
                    targId = target.arrayElement(targId);
                }
                case FUNC_PROTO -> {
                    if (tk != FUNC_PROTO || local.vlen(localId) != target.vlen(targId)) {
                        return false;
                    }
                    for (int i = 0; i < local.vlen(localId); i++) {
                        if (!typesMatch(
                                local.memberType(localId, i), target.memberType(targId, i), behindPtr, depth + 1)) {
                            return false;
                        }
                    }
                    localId = local.ref(localId);
                    targId = target.ref(targId);
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    // ---- values ------------------------------------------------------------------------------

    private record FieldValue(long value, int size, int typeId, boolean validate, boolean poison) {}

    private Result calc(String program, CoreRelocation r, CoreSpec localSpec, CoreSpec targetSpec) {
        CoreRelocation.Kind k = r.kind();
        if (k.isField()) {
            FieldValue o = field(program, r, localSpec, local);
            FieldValue n = field(program, r, targetSpec, target);
            if (o.poison() || n.poison()) {
                return Result.poisoned();
            }
            boolean failAdjust = false;
            if (o.size() != n.size()) {
                int ot = local.skipModsAndTypedefs(o.typeId());
                int nt = target.skipModsAndTypedefs(n.typeId());
                boolean ptrs = local.kind(ot) == PTR && target.kind(nt) == PTR;
                boolean unsignedInts = local.kind(ot) == INT
                        && target.kind(nt) == INT
                        && !local.intSigned(ot)
                        && !target.intSigned(nt);
                failAdjust = !ptrs && !unsignedInts;
            }
            return new Result(false, o.value(), n.value(), o.validate(), o.size(), n.size(), failAdjust);
        }
        if (k.isType()) {
            long o = typeValue(k, localSpec, local);
            long n = targetSpec == null ? 0 : typeValue(k, targetSpec, target);
            return new Result(false, o, n, k != CoreRelocation.Kind.TYPE_ID_TARGET, 0, 0, false);
        }
        // enumerator relocations
        if (k == CoreRelocation.Kind.ENUMVAL_EXISTS) {
            return new Result(false, 1, targetSpec == null ? 0 : 1, true, 0, 0, false);
        }
        if (targetSpec == null) {
            return Result.poisoned();
        }
        CoreSpec.Accessor la = localSpec.accessors.get(0);
        CoreSpec.Accessor ta = targetSpec.accessors.get(0);
        return new Result(
                false,
                local.enumValue(la.typeId(), la.idx()),
                target.enumValue(ta.typeId(), ta.idx()),
                true,
                0,
                0,
                false);
    }

    private static long typeValue(CoreRelocation.Kind k, CoreSpec spec, CoreTypes btf) {
        return switch (k) {
            case TYPE_ID_TARGET -> spec.rootId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> btf.resolveSize(spec.rootId);
            default -> throw new IllegalStateException(k.name());
        };
    }

    private FieldValue field(String program, CoreRelocation r, CoreSpec spec, CoreTypes btf) {
        if (r.kind() == CoreRelocation.Kind.FIELD_EXISTS) {
            return new FieldValue(spec == null ? 0 : 1, 0, 0, true, false);
        }
        if (spec == null) {
            return new FieldValue(0, 0, 0, false, true);
        }
        CoreSpec.Accessor acc = spec.last();
        if (acc.name() == null) {
            long sz = btf.resolveSize(acc.typeId());
            return switch (r.kind()) {
                case FIELD_BYTE_OFFSET -> new FieldValue(spec.bitOffset / 8, (int) sz, acc.typeId(), true, false);
                case FIELD_BYTE_SIZE -> new FieldValue(sz, 0, 0, true, false);
                default ->
                    throw new BpfException(
                            "program \"" + program + "\": CO-RE relocation " + r.kind() + " at instruction " + r.slot()
                                    + " cannot apply to an array element (" + spec.describe() + ")");
            };
        }
        int memberType = btf.memberType(acc.typeId(), acc.idx());
        int mt = btf.skipModsAndTypedefs(memberType);
        long bitOff = spec.bitOffset;
        long bitSize = btf.memberBitfieldSize(acc.typeId(), acc.idx());
        boolean bitfield = bitSize > 0;
        long byteSize;
        long byteOff;
        if (bitfield) {
            byteSize = btf.size(mt);
            byteOff = bitOff / 8 / byteSize * byteSize;
            while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw new BpfException("program \"" + program + "\": bitfield " + spec.describe()
                            + " cannot be read with one 64-bit load (CO-RE relocation at instruction " + r.slot()
                            + ")");
                }
                byteSize *= 2;
                byteOff = bitOff / 8 / byteSize * byteSize;
            }
        } else {
            byteSize = btf.resolveSize(mt);
            byteOff = bitOff / 8;
            bitSize = byteSize * 8;
        }
        return switch (r.kind()) {
            case FIELD_BYTE_OFFSET ->
                new FieldValue(byteOff, bitfield ? 0 : (int) byteSize, bitfield ? 0 : mt, !bitfield, false);
            case FIELD_BYTE_SIZE -> new FieldValue(byteSize, 0, 0, !bitfield, false);
            case FIELD_SIGNED ->
                new FieldValue(btf.isEnum(mt) || (btf.kind(mt) == INT && btf.intSigned(mt)) ? 1 : 0, 0, 0, true, false);
            case FIELD_LSHIFT_U64 -> new FieldValue(64 - (bitOff + bitSize - byteOff * 8), 0, 0, !bitfield, false);
            case FIELD_RSHIFT_U64 -> new FieldValue(64 - bitSize, 0, 0, true, false);
            default -> throw new IllegalStateException(r.kind().name());
        };
    }

    // ---- patching ----------------------------------------------------------------------------

    private static Instruction poisonInsn() {
        return new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, POISON_HELPER);
    }

    private static void patch(String program, List<Instruction> out, int index, CoreRelocation r, Result res) {
        Instruction insn = out.get(index);
        String where = "program \"" + program + "\": CO-RE relocation " + r.kind() + " at instruction " + r.slot();
        if (res.poison()) {
            poison(out, index, insn);
            return;
        }
        int cls = insn.opcode() & 0x07;
        long orig = res.originalValue() & 0xffff_ffffL;
        long val = res.newValue() & 0xffff_ffffL;
        switch (cls) {
            case Opcodes.ALU, Opcodes.ALU64 -> {
                if ((insn.opcode() & Opcodes.X) != 0) {
                    throw new BpfException(where + " points at an ALU instruction with a register operand");
                }
                if (res.validate() && (insn.imm() & 0xffff_ffffL) != orig) {
                    throw new BpfException(where + ": the instruction holds " + insn.imm() + ", expected " + orig);
                }
                int imm = (int) val; // the immediate is 32 bits: the low half, sign-extended
                out.set(index, insn.withConstant(imm));
            }
            case Opcodes.LDX, Opcodes.ST, Opcodes.STX -> {
                if (res.validate() && insn.offset() != orig) {
                    throw new BpfException(
                            where + ": the instruction's offset is " + insn.offset() + ", expected " + orig);
                }
                if (val > Short.MAX_VALUE) {
                    throw new BpfException(where + ": offset " + val + " does not fit a load/store (ERANGE)");
                }
                if (res.failMemSizeAdjust()) {
                    // The field changed size in a way a load cannot follow: let the verifier report it.
                    poison(out, index, insn);
                    return;
                }
                Instruction patched = insn.withOffset((int) val);
                if (res.newSize() != res.originalSize()) {
                    int have = bytesOf(insn.opcode());
                    if (have != res.originalSize()) {
                        throw new BpfException(where + ": the instruction accesses " + have + " bytes, expected "
                                + res.originalSize());
                    }
                    int size = sizeBits(res.newSize());
                    if (size < 0) {
                        throw new BpfException(where + ": new field size " + res.newSize() + " is no load size");
                    }
                    patched = new Instruction(
                            (insn.opcode() & ~0x18) | size,
                            patched.dst(),
                            patched.src(),
                            patched.offset(),
                            patched.constant());
                }
                out.set(index, patched);
            }
            case Opcodes.LD -> {
                if (!insn.isLoadImm64() || insn.src() != 0 || insn.offset() != 0) {
                    throw new BpfException(where + " points at an lddw of unexpected form " + insn);
                }
                if (res.validate() && insn.constant() != orig) {
                    throw new BpfException(where + ": the lddw holds " + insn.constant() + ", expected " + orig);
                }
                out.set(index, insn.withConstant(val));
            }
            default -> throw new BpfException(where + " points at an instruction it cannot patch: " + insn);
        }
    }

    private static void poison(List<Instruction> out, int index, Instruction insn) {
        out.set(index, poisonInsn());
        if (insn.isLoadImm64()) {
            // Both halves of an lddw become calls so the slot count stays and the verifier names the relocation.
            out.add(index + 1, poisonInsn());
        }
    }

    private static int bytesOf(int opcode) {
        return switch (opcode & 0x18) {
            case Opcodes.DW -> 8;
            case Opcodes.W -> 4;
            case Opcodes.H -> 2;
            default -> 1;
        };
    }

    private static int sizeBits(int bytes) {
        return switch (bytes) {
            case 8 -> Opcodes.DW;
            case 4 -> Opcodes.W;
            case 2 -> Opcodes.H;
            case 1 -> Opcodes.B;
            default -> -1;
        };
    }
}
