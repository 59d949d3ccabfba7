package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.BtfWriter;
import io.bpf4j.btf.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The BTF an object gives the kernel, made from its laid-out types (DATASECs sized, variables
 * placed: {@link ObjectSpec#btf()}) with what the kernel refuses in extern declarations rewritten
 * as libbpf does, and written by the btf package's writer:
 * <ul>
 *   <li>extern VARs ({@code .kconfig}) become allocated globals, extern FUNCs (kfuncs) global;</li>
 *   <li>global functions of hidden visibility ({@code __hidden}) become static, so the verifier
 *       checks them in their callers' context;</li>
 *   <li>the {@code .ksyms} DATASEC, whose entries may be FUNCs a DATASEC cannot hold, becomes a
 *       run of 4-byte int VARs (only the names matter to the kernel).</li>
 * </ul>
 */
final class ObjectBtf {
    /** libbpf names a kfunc's unnamed parameters after its placeholder variable. */
    private static final String KSYM_PARAM_NAME = "dummy_ksym";

    private ObjectBtf() {}

    /**
     * The bytes for BPF_BTF_LOAD with the features in {@code sanitize} rewritten for an older
     * kernel; the string section is the object's, so line info keeps its offsets.
     */
    static byte[] forKernel(Btf laidOut, Set<String> hiddenFunctions, Set<io.bpf4j.btf.Sanitize> sanitize) {
        if (sanitize.isEmpty() && laidOut.base().isEmpty() && !needsEdits(laidOut, hiddenFunctions)) {
            // Most objects: nothing to rewrite, so the blob goes as it is (DATASECs already laid
            // out in place), without decoding and re-encoding every type on each load.
            return laidOut.toBytes();
        }
        return BtfWriter.writeKeepingStrings(laidOut, edited(laidOut, hiddenFunctions), sanitize);
    }

    /** Whether {@link #edited} would change anything; looks at the kinds first, decoding only VARs, FUNCs and DATASECs. */
    private static boolean needsEdits(Btf btf, Set<String> hiddenFunctions) {
        for (int id = btf.firstOwnId(); id < btf.typeCount(); id++) {
            switch (btf.kind(id)) {
                case io.bpf4j.btf.CoreTypes.VAR -> {
                    if (btf.type(id) instanceof Type.Var v && v.linkage() == Type.VarLinkage.EXTERN) {
                        return true;
                    }
                }
                case io.bpf4j.btf.CoreTypes.FUNC -> {
                    if (btf.type(id) instanceof Type.Func f
                            && (f.linkage() == Type.Linkage.EXTERN
                                    || f.linkage() == Type.Linkage.GLOBAL && hiddenFunctions.contains(f.name()))) {
                        return true;
                    }
                }
                case io.bpf4j.btf.CoreTypes.DATASEC -> {
                    if (btf.name(id).equals(".ksyms")) {
                        return true;
                    }
                }
                default -> {}
            }
        }
        return false;
    }

    private static List<Type> edited(Btf laidOut, Set<String> hiddenFunctions) {
        List<Type> types = new ArrayList<>(laidOut.types());
        int first = laidOut.firstOwnId();
        int intId = 0;
        int anyVar = 0;
        for (int i = 0; i < types.size(); i++) {
            Type t = types.get(i);
            if (intId == 0 && t instanceof Type.Int n && n.size() == 4 && !n.isBool() && !n.isChar()) {
                intId = first + i;
            }
            switch (t) {
                case Type.Var v
                when v.linkage() == Type.VarLinkage.EXTERN ->
                    types.set(i, new Type.Var(v.name(), v.typeId(), Type.VarLinkage.GLOBAL));
                case Type.Var v -> anyVar = anyVar == 0 ? first + i : anyVar;
                case Type.Func f
                when f.linkage() == Type.Linkage.EXTERN ->
                    types.set(i, new Type.Func(f.name(), f.protoId(), Type.Linkage.GLOBAL));
                case Type.Func f
                when f.linkage() == Type.Linkage.GLOBAL && hiddenFunctions.contains(f.name()) ->
                    types.set(i, new Type.Func(f.name(), f.protoId(), Type.Linkage.STATIC));
                default -> {}
            }
        }
        for (int i = 0; i < types.size(); i++) {
            if (!(types.get(i) instanceof Type.DataSec d) || !d.name().equals(".ksyms")) {
                continue;
            }
            List<Type.VarSecInfo> vars = new ArrayList<>();
            int off = 0;
            for (Type.VarSecInfo e : d.vars()) {
                int entry = e.typeId();
                int size = 4;
                if (types.get(entry - first) instanceof Type.Var v) {
                    if (intId != 0) {
                        types.set(entry - first, new Type.Var(v.name(), intId, v.linkage()));
                    } else {
                        size = (int) laidOut.sizeof(v.typeId());
                    }
                } else {
                    // As libbpf: a kfunc declaration may leave its parameters unnamed, which the
                    // kernel refuses in a FUNC_PROTO; they get a placeholder name.
                    if (types.get(entry - first) instanceof Type.Func f
                            && types.get(f.protoId() - first) instanceof Type.FuncProto proto) {
                        List<Type.Param> named = proto.params().stream()
                                .map(p -> p.typeId() != 0 && p.name().isEmpty()
                                        ? new Type.Param(KSYM_PARAM_NAME, p.typeId())
                                        : p)
                                .toList();
                        types.set(f.protoId() - first, new Type.FuncProto(proto.returnTypeId(), named));
                    }
                    if (anyVar == 0) {
                        throw new BpfException("BTF .ksyms lists kfunc " + laidOut.name(entry)
                                + " but the object has no variable to stand in for it");
                    }
                    entry = anyVar;
                    size = (int) laidOut.sizeof(((Type.Var) types.get(anyVar - first)).typeId());
                }
                vars.add(new Type.VarSecInfo(entry, off, size));
                off += size;
            }
            types.set(i, new Type.DataSec(d.name(), off, vars));
        }
        return types;
    }
}
