package io.bpf4j.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one type record of a {@link Btf} into its {@link Type}. The record was checked when the
 * blob was parsed ({@link BtfReader}), so nothing here can run past the section or meet an
 * unknown kind.
 */
final class TypeDecoder {
    private TypeDecoder() {}

    static Type decode(Btf btf, int p) {
        String name = btf.string(btf.word(p));
        int info = btf.word(p + 4);
        int sizeOrType = btf.word(p + 8);
        int vlen = info & 0xffff;
        int kind = (info >>> 24) & 0x1f;
        boolean kflag = info < 0;
        p += 12;
        return switch (kind) {
            case CoreTypes.INT -> {
                int e = btf.word(p);
                int flags = (e >>> 24) & 0xf;
                yield new Type.Int(
                        name,
                        sizeOrType,
                        (flags & 1) != 0,
                        (flags & 2) != 0,
                        (flags & 4) != 0,
                        (e >>> 16) & 0xff,
                        e & 0xff);
            }
            case CoreTypes.PTR -> new Type.Ptr(sizeOrType);
            case CoreTypes.ARRAY -> new Type.Array(btf.word(p), btf.word(p + 4), btf.word(p + 8));
            case CoreTypes.STRUCT, CoreTypes.UNION -> {
                List<Type.Member> ms = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 12) {
                    int off = btf.word(p + 8);
                    ms.add(new Type.Member(
                            btf.string(btf.word(p)),
                            btf.word(p + 4),
                            kflag ? off & 0xffffff : off,
                            kflag ? off >>> 24 : 0));
                }
                yield kind == CoreTypes.STRUCT
                        ? new Type.Struct(name, sizeOrType, ms, kflag)
                        : new Type.Union(name, sizeOrType, ms, kflag);
            }
            case CoreTypes.ENUM -> {
                List<Type.Enumerator> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 8) {
                    int v = btf.word(p + 4);
                    vs.add(new Type.Enumerator(btf.string(btf.word(p)), kflag ? v : Integer.toUnsignedLong(v)));
                }
                yield new Type.Enum(name, sizeOrType, kflag, vs);
            }
            case CoreTypes.FWD -> new Type.Fwd(name, kflag);
            case CoreTypes.TYPEDEF -> new Type.Typedef(name, sizeOrType);
            case CoreTypes.VOLATILE -> new Type.Volatile(sizeOrType);
            case CoreTypes.CONST -> new Type.Const(sizeOrType);
            case CoreTypes.RESTRICT -> new Type.Restrict(sizeOrType);
            case CoreTypes.FUNC -> new Type.Func(name, sizeOrType, Type.Linkage.values()[vlen]);
            case CoreTypes.FUNC_PROTO -> {
                List<Type.Param> ps = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 8) {
                    ps.add(new Type.Param(btf.string(btf.word(p)), btf.word(p + 4)));
                }
                yield new Type.FuncProto(sizeOrType, ps);
            }
            case CoreTypes.VAR -> new Type.Var(name, sizeOrType, Type.VarLinkage.values()[btf.word(p)]);
            case CoreTypes.DATASEC -> {
                List<Type.VarSecInfo> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 12) {
                    vs.add(new Type.VarSecInfo(btf.word(p), btf.word(p + 4), btf.word(p + 8)));
                }
                yield new Type.DataSec(name, sizeOrType, vs);
            }
            case CoreTypes.FLOAT -> new Type.Float(name, sizeOrType);
            case CoreTypes.DECL_TAG -> new Type.DeclTag(name, sizeOrType, btf.word(p));
            case CoreTypes.TYPE_TAG -> new Type.TypeTag(name, sizeOrType);
            case CoreTypes.ENUM64 -> {
                List<Type.Enumerator> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 12) {
                    long v = Integer.toUnsignedLong(btf.word(p + 4)) | ((long) btf.word(p + 8) << 32);
                    vs.add(new Type.Enumerator(btf.string(btf.word(p)), v));
                }
                yield new Type.Enum64(name, sizeOrType, kflag, vs);
            }
            default -> throw new IllegalStateException("kind " + kind + " passed validation");
        };
    }
}
