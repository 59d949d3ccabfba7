package io.bpf4j.btf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@link Btf} seen through the narrow {@link CoreTypes} view the CO-RE relocator uses,
 * so the relocator can run on the type model as well as on {@link CoreRawBtf}.
 *
 * <pre>{@code
 * CoreTypes kernel = new BtfCoreTypes(KernelBtf.vmlinux());
 * }</pre>
 */
public final class BtfCoreTypes implements CoreTypes {
    private final Btf btf;
    private volatile Map<String, List<Integer>> byEssentialName;

    /** The view of {@code btf}. */
    public BtfCoreTypes(Btf btf) {
        this.btf = btf;
    }

    /** The underlying BTF. */
    public Btf btf() {
        return btf;
    }

    @Override
    public int typeCount() {
        return btf.typeCount();
    }

    @Override
    public int kind(int id) {
        return btf.type(id).kind();
    }

    @Override
    public String name(int id) {
        return id == 0 ? "" : btf.type(id).name();
    }

    @Override
    public int size(int id) {
        return switch (btf.type(id)) {
            case Type.Int x -> x.size();
            case Type.Struct x -> x.size();
            case Type.Union x -> x.size();
            case Type.Enum x -> x.size();
            case Type.Enum64 x -> x.size();
            case Type.Float x -> x.size();
            case Type.DataSec x -> x.size();
            default -> throw new IllegalArgumentException("type [" + id + "] " + btf.describe(id) + " has no size field");
        };
    }

    @Override
    public int ref(int id) {
        return switch (btf.type(id)) {
            case Type.Ptr x -> x.targetId();
            case Type.Typedef x -> x.targetId();
            case Type.Volatile x -> x.targetId();
            case Type.Const x -> x.targetId();
            case Type.Restrict x -> x.targetId();
            case Type.TypeTag x -> x.targetId();
            case Type.DeclTag x -> x.targetId();
            case Type.Func x -> x.protoId();
            case Type.Var x -> x.typeId();
            case Type.FuncProto x -> x.returnTypeId();
            default -> throw new IllegalArgumentException("type [" + id + "] " + btf.describe(id) + " refers to no type");
        };
    }

    @Override
    public int arrayElement(int id) {
        return array(id).elementId();
    }

    @Override
    public int arrayLength(int id) {
        return array(id).length();
    }

    private Type.Array array(int id) {
        if (btf.type(id) instanceof Type.Array a) {
            return a;
        }
        throw new IllegalArgumentException("type [" + id + "] " + btf.describe(id) + " is not an array");
    }

    @Override
    public int vlen(int id) {
        return switch (btf.type(id)) {
            case Type.Struct x -> x.members().size();
            case Type.Union x -> x.members().size();
            case Type.Enum x -> x.values().size();
            case Type.Enum64 x -> x.values().size();
            case Type.FuncProto x -> x.params().size();
            case Type.DataSec x -> x.vars().size();
            default -> 0;
        };
    }

    private Type.Member member(int id, int i) {
        return switch (btf.type(id)) {
            case Type.Struct x -> x.members().get(i);
            case Type.Union x -> x.members().get(i);
            default -> throw new IllegalArgumentException("type [" + id + "] " + btf.describe(id) + " has no members");
        };
    }

    @Override
    public String memberName(int id, int i) {
        return switch (btf.type(id)) {
            case Type.Enum x -> x.values().get(i).name();
            case Type.Enum64 x -> x.values().get(i).name();
            case Type.FuncProto x -> x.params().get(i).name();
            default -> member(id, i).name();
        };
    }

    @Override
    public int memberType(int id, int i) {
        return switch (btf.type(id)) {
            case Type.FuncProto x -> x.params().get(i).typeId();
            case Type.DataSec x -> x.vars().get(i).typeId();
            default -> member(id, i).typeId();
        };
    }

    @Override
    public int memberBitOffset(int id, int i) {
        return member(id, i).bitOffset();
    }

    @Override
    public int memberBitfieldSize(int id, int i) {
        return member(id, i).bitfieldSize();
    }

    @Override
    public long enumValue(int id, int i) {
        return switch (btf.type(id)) {
            case Type.Enum x -> x.values().get(i).value();
            case Type.Enum64 x -> x.values().get(i).value();
            default -> throw new IllegalArgumentException("type [" + id + "] " + btf.describe(id) + " is not an enum");
        };
    }

    @Override
    public boolean enumSigned(int id) {
        return switch (btf.type(id)) {
            case Type.Enum x -> x.signed();
            case Type.Enum64 x -> x.signed();
            default -> false;
        };
    }

    @Override
    public boolean intSigned(int id) {
        return btf.type(id) instanceof Type.Int i && i.signed();
    }

    @Override
    public int intBitOffset(int id) {
        return btf.type(id) instanceof Type.Int i ? i.bitOffset() : 0;
    }

    @Override
    public List<Integer> idsNamed(String name) {
        return btf.idsByName(name);
    }

    @Override
    public List<Integer> idsWithEssentialName(String essentialName) {
        Map<String, List<Integer>> idx = byEssentialName;
        if (idx == null) {
            synchronized (this) {
                idx = byEssentialName;
                if (idx == null) {
                    idx = new HashMap<>();
                    for (int id = 1; id < btf.typeCount(); id++) {
                        String n = btf.type(id).name();
                        if (!n.isEmpty()) {
                            idx.computeIfAbsent(CoreTypes.essentialName(n), k -> new ArrayList<>()).add(id);
                        }
                    }
                    byEssentialName = idx;
                }
            }
        }
        return List.copyOf(idx.getOrDefault(essentialName, List.of()));
    }
}
