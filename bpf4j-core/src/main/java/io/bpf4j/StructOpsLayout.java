package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.CoreTypes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernel's value of one struct_ops map, laid out from the object's struct by member name as
 * libbpf's {@code bpf_map__init_kern_struct_ops} does: the kernel struct {@code NAME} and its
 * value wrapper {@code bpf_struct_ops_NAME} are found in the kernel's BTF; every member of the
 * object's struct is matched by name to the kernel's; a function pointer gets (at registration)
 * the fd of the program the object put there, whose load then needs {@code attach_btf_id} = the
 * kernel struct and {@code expected_attach_type} = the kernel member's index; a data member is
 * copied when its size matches the kernel's. A member the kernel lacks is skipped when it is zero
 * (and its program is not loaded), refused otherwise; bitfields and kind mismatches are refused.
 *
 * @param map the map's name in the object
 * @param structName the struct's name, e.g. {@code tcp_congestion_ops}
 * @param kernelTypeId the kernel BTF id of the struct (the programs' {@code attach_btf_id})
 * @param valueTypeId the kernel BTF id of {@code bpf_struct_ops_NAME} ({@code btf_vmlinux_value_type_id})
 * @param value the kernel value with the data members set and zeros where program fds go
 * @param programOffsets byte offset in {@code value} of each function pointer member → its program
 * @param memberIndex program → index of its member in the kernel struct
 * @param dropped programs the object put in members this kernel's struct lacks (not loaded, as libbpf)
 */
record StructOpsLayout(
        String map,
        String structName,
        int kernelTypeId,
        int valueTypeId,
        byte[] value,
        Map<Integer, String> programOffsets,
        Map<String, Integer> memberIndex,
        java.util.Set<String> dropped) {
    static final String VALUE_PREFIX = "bpf_struct_ops_";

    /** The value's size in bytes: the map's value_size. */
    int valueSize() {
        return value.length;
    }

    /** The value with each program's fd at its member's offset (8 bytes, as the kernel reads a pointer). */
    byte[] withProgramFds(Map<String, Program> programs) {
        byte[] out = value.clone();
        programOffsets.forEach((off, name) -> {
            Program p = programs.get(name);
            if (p == null) {
                throw new BpfException("struct_ops map \"" + map + "\": program \"" + name + "\" was not loaded"
                        + " (autoload off?); the kernel needs every callback the object set");
            }
            long fd = p.fd();
            for (int i = 0; i < 8; i++) {
                out[off + i] = (byte) (fd >>> (8 * i));
            }
        });
        return out;
    }

    /**
     * Lays out {@code m}'s value against {@code kernel}.
     *
     * @throws NotSupportedException when the kernel has no such struct_ops type
     * @throws BpfException when a member cannot be matched (named, with the reason)
     */
    static StructOpsLayout of(LoadPlan.MapPlan m, Btf kernel) {
        MapSpec spec = m.spec();
        Btf local = spec.btf().orElseThrow(() -> new BpfException("struct_ops map \"" + m.name() + "\" has no BTF"));
        int type = spec.btfValueTypeId();
        // A flavor (struct NAME___suffix) names the kernel's struct NAME, as CO-RE and libbpf read it.
        String name = essential(local.name(type));
        String where = "struct_ops map \"" + m.name() + "\" (struct " + name + ")";
        int kernType = structNamed(kernel, name);
        int valueType = structNamed(kernel, VALUE_PREFIX + name);
        if (kernType < 0 || valueType < 0) {
            throw new NotSupportedException(
                    "struct_ops type struct " + name + " (" + VALUE_PREFIX + name
                            + " is not in the kernel's BTF: the kernel lacks it, or it lives in a module, which bpf4j does"
                            + " not search yet)",
                    "5.6",
                    0,
                    "BPF_MAP_CREATE",
                    where);
        }
        int dataOff = -1;
        for (int i = 0; i < kernel.vlen(valueType); i++) {
            if (kernel.skipModsAndTypedefs(kernel.memberType(valueType, i)) == kernType) {
                dataOff = kernel.memberBitOffset(valueType, i) / 8;
            }
        }
        if (dataOff < 0) {
            throw new BpfException(
                    where + ": the kernel's " + VALUE_PREFIX + name + " has no member of type struct " + name);
        }
        byte[] data = m.globalSection().orElse(new byte[0]);
        if (data.length != local.size(type)) {
            throw new BpfException(
                    where + ": its initial value has " + data.length + " bytes, the struct " + local.size(type));
        }
        byte[] value = new byte[kernel.size(valueType)];
        Map<Integer, String> offsets = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        java.util.Set<String> dropped = new java.util.HashSet<>();
        for (int i = 0; i < local.vlen(type); i++) {
            String mname = local.memberName(type, i);
            int moff = local.memberBitOffset(type, i) / 8;
            String program = m.initialSlots().get(i);
            int k = memberNamed(kernel, kernType, mname);
            int mtype = local.skipModsAndTypedefs(local.memberType(type, i));
            long msize = local.resolveSize(mtype);
            if (k < 0) {
                if (program == null && zero(data, moff, msize)) {
                    continue; // a zero member the kernel lacks: libbpf skips it too
                }
                if (program != null && zero(data, moff, msize)) {
                    dropped.add(program);
                    continue;
                }
                throw new BpfException(where + ": member " + mname + " is set, but this kernel's struct " + name
                        + " has no such member");
            }
            if (local.memberBitfieldSize(type, i) != 0 || kernel.memberBitfieldSize(kernType, k) != 0) {
                throw new BpfException(where + ": member " + mname + " is a bitfield, which struct_ops does not take");
            }
            int kmtype = kernel.skipModsAndTypedefs(kernel.memberType(kernType, k));
            if (local.kind(mtype) != kernel.kind(kmtype)) {
                throw new BpfException(where + ": member " + mname + " is a " + kindName(local.kind(mtype))
                        + " in the object, a " + kindName(kernel.kind(kmtype)) + " in the kernel");
            }
            int kmoff = kernel.memberBitOffset(kernType, k) / 8;
            if (local.kind(mtype) == CoreTypes.PTR) {
                if (program == null) {
                    continue;
                }
                if (kernel.kind(kernel.skipModsAndTypedefs(kernel.ref(kmtype))) != CoreTypes.FUNC_PROTO) {
                    throw new BpfException(where + ": member " + mname + " holds program " + program
                            + ", but the kernel's member is not a function pointer");
                }
                Integer before = index.putIfAbsent(program, k);
                if (before != null && before != k) {
                    throw new BpfException(where + ": program " + program + " is in two members (" + before + " and "
                            + k + "); a struct_ops program serves one member");
                }
                offsets.put(dataOff + kmoff, program);
                continue;
            }
            long ksize = kernel.resolveSize(kmtype);
            if (msize != ksize) {
                throw new BpfException(where + ": member " + mname + " has " + msize + " bytes in the object, " + ksize
                        + " in the kernel");
            }
            System.arraycopy(data, moff, value, dataOff + kmoff, (int) msize);
        }
        return new StructOpsLayout(m.name(), name, kernType, valueType, value, offsets, index, dropped);
    }

    private static String essential(String name) {
        int i = name.lastIndexOf("___");
        return i > 0 ? name.substring(0, i) : name;
    }

    private static int structNamed(Btf btf, String name) {
        for (int id : btf.idsNamed(name)) {
            if (btf.kind(id) == CoreTypes.STRUCT) {
                return id;
            }
        }
        return -1;
    }

    private static int memberNamed(Btf btf, int type, String name) {
        for (int i = 0; i < btf.vlen(type); i++) {
            if (btf.memberName(type, i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean zero(byte[] b, int from, long n) {
        for (long i = from; i < from + n && i < b.length; i++) {
            if (b[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case CoreTypes.INT -> "integer";
            case CoreTypes.PTR -> "pointer";
            case CoreTypes.ARRAY -> "array";
            case CoreTypes.STRUCT -> "struct";
            case CoreTypes.UNION -> "union";
            case CoreTypes.ENUM -> "enum";
            default -> "BTF kind " + kind;
        };
    }
}
