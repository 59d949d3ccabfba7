package io.bpf4j.btf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializes a {@link Btf} to {@code .BTF} bytes (little-endian, version 1), for
 * {@code BPF_BTF_LOAD} or a file. Type ids are preserved; strings are deduplicated. For split BTF
 * only the split part is written, its string offsets continuing the base's.
 *
 * <pre>{@code
 * byte[] blob = BtfWriter.write(btf.withDataSecLayout(sectionSizes, varOffsets), EnumSet.noneOf(Sanitize.class));
 * }</pre>
 */
public final class BtfWriter {
    private final Map<String, Integer> offsets = new HashMap<>();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final int stringBase;

    private BtfWriter(int stringBase) {
        this.stringBase = stringBase;
        if (stringBase == 0) {
            strings.write(0);
            offsets.put("", 0);
        }
    }

    /** The bytes of {@code btf} as it is. */
    public static byte[] write(Btf btf) {
        return write(btf, Set.of());
    }

    /**
     * The bytes of {@code btf} with the features in {@code sanitize} rewritten for an older kernel.
     * The string section of a standalone blob is kept whole, every string at its offset, so that
     * records outside the blob that point into it ({@code .BTF.ext} func and line info) stay valid.
     */
    public static byte[] write(Btf btf, Set<Sanitize> sanitize) {
        if (btf.base().isEmpty()) {
            return writeKeepingStrings(btf, btf.ownTypes(), sanitize);
        }
        return write(btf.base().orElse(null), btf.ownTypes(), sanitize, btf::type);
    }

    /**
     * A standalone blob of {@code types} (ids from 1) whose string section starts with
     * {@code strings}' own, every string at its offset there (new names are appended): how a
     * loader edits an object's types for the kernel while its line info keeps pointing at the
     * same source text.
     *
     * <pre>{@code
     * List<Type> types = new ArrayList<>(objectBtf.types());
     * types.set(0, ...);                       // an edit
     * byte[] forKernel = BtfWriter.writeKeepingStrings(objectBtf, types, Set.of());
     * }</pre>
     */
    public static byte[] writeKeepingStrings(Btf strings, List<Type> types, Set<Sanitize> sanitize) {
        if (strings.base().isPresent()) {
            throw new IllegalArgumentException("split BTF keeps its base's strings: write it with write(btf)");
        }
        BtfWriter w = new BtfWriter(0);
        byte[] own = strings.ownStrings();
        w.strings.reset();
        w.strings.write(own, 0, own.length);
        w.offsets.clear();
        for (int start = 0, i = 0; i <= own.length; i++) {
            if (i == own.length || own[i] == 0) {
                w.offsets.putIfAbsent(
                        new String(own, start, i - start, java.nio.charset.StandardCharsets.UTF_8), start);
                start = i + 1;
            }
        }
        if (own.length == 0 || own[own.length - 1] != 0) {
            w.strings.write(0);
        }
        w.offsets.putIfAbsent("", own.length == 0 ? 0 : w.offsets.getOrDefault("", 0));
        java.util.function.IntFunction<Type> lookup = id -> id == 0 ? new Type.Void() : types.get(id - 1);
        return w.finish(types, sanitize, lookup);
    }

    /** The bytes of a blob holding {@code own} (ids continuing {@code base}'s, or from 1). */
    static byte[] write(Btf base, List<Type> own, Set<Sanitize> sanitize) {
        return write(base, own, sanitize, id -> {
            throw new IllegalStateException("no type lookup while writing unsanitized types");
        });
    }

    private static byte[] write(
            Btf base, List<Type> own, Set<Sanitize> sanitize, java.util.function.IntFunction<Type> types) {
        int strBase = base == null ? 0 : base.stringsLength();
        return new BtfWriter(strBase).finish(own, sanitize, types);
    }

    private byte[] finish(List<Type> own, Set<Sanitize> sanitize, java.util.function.IntFunction<Type> types) {
        BtfWriter w = this;
        ByteBuffer out0 = ByteBuffer.allocate(sizeEstimate(own)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer typeBuf = out0;
        for (Type t : own) {
            typeBuf = w.encode(sanitize.isEmpty() ? t : sanitized(types, t, sanitize), typeBuf);
        }
        byte[] str = w.strings.toByteArray();
        int typeLen = typeBuf.position();
        ByteBuffer out =
                ByteBuffer.allocate(Btf.HEADER_MIN + typeLen + str.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) Btf.MAGIC)
                .put((byte) 1)
                .put((byte) 0)
                .putInt(Btf.HEADER_MIN)
                .putInt(0)
                .putInt(typeLen)
                .putInt(typeLen)
                .putInt(str.length);
        out.put(typeBuf.array(), 0, typeLen).put(str);
        return out.array();
    }

    private static int sizeEstimate(List<Type> types) {
        long n = 0;
        for (Type t : types) {
            n += 16
                    + 12L
                            * switch (t) {
                                case Type.Struct s -> s.members().size();
                                case Type.Union u -> u.members().size();
                                case Type.Enum e -> e.values().size();
                                case Type.Enum64 e -> e.values().size();
                                case Type.FuncProto f -> f.params().size();
                                case Type.DataSec d -> d.vars().size();
                                default -> 0;
                            };
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 64);
    }

    static Type sanitized(java.util.function.IntFunction<Type> types, Type t, Set<Sanitize> s) {
        return switch (t) {
            case Type.DeclTag d when s.contains(Sanitize.DECL_TAG) -> new Type.Int("", 1, false, false, false, 0, 8);
            case Type.TypeTag tt when s.contains(Sanitize.TYPE_TAG) -> new Type.Const(tt.targetId());
            case Type.Enum64 e when s.contains(Sanitize.ENUM64) -> new Type.Union("", e.size(), List.of(), false);
            // signedness (kind_flag) came with ENUM64: an older kernel refuses an ENUM with it (libbpf clears it too)
            case Type.Enum e
            when s.contains(Sanitize.ENUM64) && e.signed() -> new Type.Enum(e.name(), e.size(), false, e.values());
            case Type.Float f when s.contains(Sanitize.FLOAT) -> new Type.Struct("", f.size(), List.of(), false);
            case Type.Var v when s.contains(Sanitize.DATASEC_VAR) -> new Type.Int("", 1, false, false, false, 0, 8);
            case Type.DataSec d
            when s.contains(Sanitize.DATASEC_VAR) -> {
                List<Type.Member> ms = new ArrayList<>(d.vars().size());
                for (Type.VarSecInfo v : d.vars()) {
                    // The kernel wants C identifiers: ".data" is not one.
                    ms.add(new Type.Member(
                            types.apply(v.typeId()).name().replace('.', '_'), v.typeId(), v.offset() * 8, 0));
                }
                yield new Type.Struct(d.name().replace('.', '_'), d.size(), ms, false);
            }
            case Type.Func f
            when s.contains(Sanitize.FUNC_LINKAGE) -> new Type.Func(f.name(), f.protoId(), Type.Linkage.STATIC);
            default -> t;
        };
    }

    private int str(String s) {
        Integer off = offsets.get(s);
        if (off == null) {
            off = stringBase + strings.size();
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            strings.write(b, 0, b.length);
            strings.write(0);
            offsets.put(s, off);
        }
        return off;
    }

    private static int info(int kind, int vlen, boolean kflag) {
        return (kflag ? 0x8000_0000 : 0) | (kind << 24) | vlen;
    }

    private ByteBuffer encode(Type t, ByteBuffer b) {
        if (b.remaining() < 16 + 12 * 65536) {
            ByteBuffer bigger =
                    ByteBuffer.allocate(b.capacity() * 2 + 16 + 12 * 65536).order(ByteOrder.LITTLE_ENDIAN);
            b.flip();
            bigger.put(b);
            b = bigger;
        }
        switch (t) {
            case Type.Void v -> throw new BtfException("void (id 0) is implicit and cannot be written");
            case Type.Int x -> {
                head(b, x.name(), info(1, 0, false), x.size());
                int enc = (x.signed() ? 1 : 0) | (x.isChar() ? 2 : 0) | (x.isBool() ? 4 : 0);
                b.putInt(enc << 24 | x.bitOffset() << 16 | x.bits());
            }
            case Type.Ptr x -> head(b, "", info(2, 0, false), x.targetId());
            case Type.Array x -> {
                head(b, "", info(3, 0, false), 0);
                b.putInt(x.elementId()).putInt(x.indexId()).putInt(x.length());
            }
            case Type.Struct x -> members(b, 4, x.name(), x.size(), x.members(), x.bitfieldEncoding());
            case Type.Union x -> members(b, 5, x.name(), x.size(), x.members(), x.bitfieldEncoding());
            case Type.Enum x -> {
                head(b, x.name(), info(6, x.values().size(), x.signed()), x.size());
                for (Type.Enumerator e : x.values()) {
                    b.putInt(str(e.name())).putInt((int) e.value());
                }
            }
            case Type.Fwd x -> head(b, x.name(), info(7, 0, x.union()), 0);
            case Type.Typedef x -> head(b, x.name(), info(8, 0, false), x.targetId());
            case Type.Volatile x -> head(b, "", info(9, 0, false), x.targetId());
            case Type.Const x -> head(b, "", info(10, 0, false), x.targetId());
            case Type.Restrict x -> head(b, "", info(11, 0, false), x.targetId());
            case Type.Func x -> head(b, x.name(), info(12, x.linkage().ordinal(), false), x.protoId());
            case Type.FuncProto x -> {
                head(b, "", info(13, x.params().size(), false), x.returnTypeId());
                for (Type.Param p : x.params()) {
                    b.putInt(str(p.name())).putInt(p.typeId());
                }
            }
            case Type.Var x -> {
                head(b, x.name(), info(14, 0, false), x.typeId());
                b.putInt(x.linkage().ordinal());
            }
            case Type.DataSec x -> {
                head(b, x.name(), info(15, x.vars().size(), false), x.size());
                for (Type.VarSecInfo v : x.vars()) {
                    b.putInt(v.typeId()).putInt(v.offset()).putInt(v.size());
                }
            }
            case Type.Float x -> head(b, x.name(), info(16, 0, false), x.size());
            case Type.DeclTag x -> {
                head(b, x.name(), info(17, 0, false), x.targetId());
                b.putInt(x.componentIdx());
            }
            case Type.TypeTag x -> head(b, x.name(), info(18, 0, false), x.targetId());
            case Type.Enum64 x -> {
                head(b, x.name(), info(19, x.values().size(), x.signed()), x.size());
                for (Type.Enumerator e : x.values()) {
                    b.putInt(str(e.name())).putInt((int) e.value()).putInt((int) (e.value() >>> 32));
                }
            }
        }
        return b;
    }

    private void head(ByteBuffer b, String name, int info, int sizeOrType) {
        b.putInt(str(name)).putInt(info).putInt(sizeOrType);
    }

    private void members(ByteBuffer b, int kind, String name, int size, List<Type.Member> ms, boolean kflag) {
        if (ms.size() > 0xffff) {
            throw new BtfException("'" + name + "' has " + ms.size() + " members, more than BTF's 65535");
        }
        head(b, name, info(kind, ms.size(), kflag), size);
        for (Type.Member m : ms) {
            b.putInt(str(m.name()))
                    .putInt(m.typeId())
                    .putInt(kflag ? m.bitfieldSize() << 24 | m.bitOffset() : m.bitOffset());
        }
    }
}
