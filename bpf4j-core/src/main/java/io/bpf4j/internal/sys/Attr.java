package io.bpf4j.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The members of {@code union bpf_attr} that bpf4j sends, as {@link MemoryLayout}s laid out like
 * the kernel's UAPI header (libbpf's copy of linux/bpf.h), and the byte offsets of their fields.
 * Offsets are read off the layouts once, so a field is never placed by a hand-counted number.
 */
public final class Attr {
    private Attr() {}

    private static final MemoryLayout U32 = JAVA_INT;
    private static final MemoryLayout U64 = JAVA_LONG;

    static long off(StructLayout l, String field) {
        return l.byteOffset(groupElement(field));
    }

    /** BPF_MAP_CREATE. */
    public static final class MapCreate {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("map_type"),
                U32.withName("key_size"),
                U32.withName("value_size"),
                U32.withName("max_entries"),
                U32.withName("map_flags"),
                U32.withName("inner_map_fd"),
                U32.withName("numa_node"),
                MemoryLayout.sequenceLayout(16, java.lang.foreign.ValueLayout.JAVA_BYTE)
                        .withName("map_name"),
                U32.withName("map_ifindex"),
                U32.withName("btf_fd"),
                U32.withName("btf_key_type_id"),
                U32.withName("btf_value_type_id"),
                U32.withName("btf_vmlinux_value_type_id"),
                U64.withName("map_extra"),
                U32.withName("value_type_btf_obj_fd"),
                U32.withName("map_token_fd"));
        public static final long MAP_TYPE = off(LAYOUT, "map_type");
        public static final long KEY_SIZE = off(LAYOUT, "key_size");
        public static final long VALUE_SIZE = off(LAYOUT, "value_size");
        public static final long MAX_ENTRIES = off(LAYOUT, "max_entries");
        public static final long MAP_FLAGS = off(LAYOUT, "map_flags");
        public static final long INNER_MAP_FD = off(LAYOUT, "inner_map_fd");
        public static final long NUMA_NODE = off(LAYOUT, "numa_node");
        public static final long MAP_NAME = off(LAYOUT, "map_name");
        public static final long MAP_IFINDEX = off(LAYOUT, "map_ifindex");
        public static final long BTF_FD = off(LAYOUT, "btf_fd");
        public static final long BTF_KEY_TYPE_ID = off(LAYOUT, "btf_key_type_id");
        public static final long BTF_VALUE_TYPE_ID = off(LAYOUT, "btf_value_type_id");
        public static final long BTF_VMLINUX_VALUE_TYPE_ID = off(LAYOUT, "btf_vmlinux_value_type_id");
        public static final long MAP_EXTRA = off(LAYOUT, "map_extra");
        public static final long MAP_TOKEN_FD = off(LAYOUT, "map_token_fd");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private MapCreate() {}
    }

    /** BPF_MAP_{LOOKUP,UPDATE,DELETE,LOOKUP_AND_DELETE}_ELEM, GET_NEXT_KEY and FREEZE. */
    public static final class MapElem {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("map_fd"),
                MemoryLayout.paddingLayout(4),
                U64.withName("key"),
                U64.withName("value"),
                U64.withName("flags"));
        public static final long MAP_FD = off(LAYOUT, "map_fd");
        public static final long KEY = off(LAYOUT, "key");
        /** Also {@code next_key}. */
        public static final long VALUE = off(LAYOUT, "value");

        public static final long FLAGS = off(LAYOUT, "flags");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private MapElem() {}
    }

    /** BPF_MAP_*_BATCH. */
    public static final class Batch {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U64.withName("in_batch"),
                U64.withName("out_batch"),
                U64.withName("keys"),
                U64.withName("values"),
                U32.withName("count"),
                U32.withName("map_fd"),
                U64.withName("elem_flags"),
                U64.withName("flags"));
        public static final long IN_BATCH = off(LAYOUT, "in_batch");
        public static final long OUT_BATCH = off(LAYOUT, "out_batch");
        public static final long KEYS = off(LAYOUT, "keys");
        public static final long VALUES = off(LAYOUT, "values");
        public static final long COUNT = off(LAYOUT, "count");
        public static final long MAP_FD = off(LAYOUT, "map_fd");
        public static final long ELEM_FLAGS = off(LAYOUT, "elem_flags");
        public static final long FLAGS = off(LAYOUT, "flags");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private Batch() {}
    }

    /** BPF_PROG_LOAD. */
    public static final class ProgLoad {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("prog_type"),
                U32.withName("insn_cnt"),
                U64.withName("insns"),
                U64.withName("license"),
                U32.withName("log_level"),
                U32.withName("log_size"),
                U64.withName("log_buf"),
                U32.withName("kern_version"),
                U32.withName("prog_flags"),
                MemoryLayout.sequenceLayout(16, java.lang.foreign.ValueLayout.JAVA_BYTE)
                        .withName("prog_name"),
                U32.withName("prog_ifindex"),
                U32.withName("expected_attach_type"),
                U32.withName("prog_btf_fd"),
                U32.withName("func_info_rec_size"),
                U64.withName("func_info"),
                U32.withName("func_info_cnt"),
                U32.withName("line_info_rec_size"),
                U64.withName("line_info"),
                U32.withName("line_info_cnt"),
                U32.withName("attach_btf_id"),
                U32.withName("attach_prog_fd"),
                U32.withName("core_relo_cnt"),
                U64.withName("fd_array"),
                U64.withName("core_relos"),
                U32.withName("core_relo_rec_size"),
                U32.withName("log_true_size"),
                U32.withName("prog_token_fd"),
                U32.withName("fd_array_cnt"));
        public static final long PROG_TYPE = off(LAYOUT, "prog_type");
        public static final long INSN_CNT = off(LAYOUT, "insn_cnt");
        public static final long INSNS = off(LAYOUT, "insns");
        public static final long LICENSE = off(LAYOUT, "license");
        public static final long LOG_LEVEL = off(LAYOUT, "log_level");
        public static final long LOG_SIZE = off(LAYOUT, "log_size");
        public static final long LOG_BUF = off(LAYOUT, "log_buf");
        public static final long KERN_VERSION = off(LAYOUT, "kern_version");
        public static final long PROG_FLAGS = off(LAYOUT, "prog_flags");
        public static final long PROG_NAME = off(LAYOUT, "prog_name");
        public static final long PROG_IFINDEX = off(LAYOUT, "prog_ifindex");
        public static final long EXPECTED_ATTACH_TYPE = off(LAYOUT, "expected_attach_type");
        public static final long PROG_BTF_FD = off(LAYOUT, "prog_btf_fd");
        public static final long FUNC_INFO_REC_SIZE = off(LAYOUT, "func_info_rec_size");
        public static final long FUNC_INFO = off(LAYOUT, "func_info");
        public static final long FUNC_INFO_CNT = off(LAYOUT, "func_info_cnt");
        public static final long LINE_INFO_REC_SIZE = off(LAYOUT, "line_info_rec_size");
        public static final long LINE_INFO = off(LAYOUT, "line_info");
        public static final long LINE_INFO_CNT = off(LAYOUT, "line_info_cnt");
        public static final long ATTACH_BTF_ID = off(LAYOUT, "attach_btf_id");
        /** Also {@code attach_btf_obj_fd}. */
        public static final long ATTACH_PROG_FD = off(LAYOUT, "attach_prog_fd");

        public static final long CORE_RELO_CNT = off(LAYOUT, "core_relo_cnt");
        public static final long FD_ARRAY = off(LAYOUT, "fd_array");
        public static final long CORE_RELOS = off(LAYOUT, "core_relos");
        public static final long CORE_RELO_REC_SIZE = off(LAYOUT, "core_relo_rec_size");
        public static final long LOG_TRUE_SIZE = off(LAYOUT, "log_true_size");
        public static final long PROG_TOKEN_FD = off(LAYOUT, "prog_token_fd");
        public static final long FD_ARRAY_CNT = off(LAYOUT, "fd_array_cnt");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private ProgLoad() {}
    }

    /** BPF_OBJ_PIN and BPF_OBJ_GET. */
    public static final class ObjPin {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U64.withName("pathname"),
                U32.withName("bpf_fd"),
                U32.withName("file_flags"),
                U32.withName("path_fd"),
                MemoryLayout.paddingLayout(4));
        public static final long PATHNAME = off(LAYOUT, "pathname");
        public static final long BPF_FD = off(LAYOUT, "bpf_fd");
        public static final long FILE_FLAGS = off(LAYOUT, "file_flags");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private ObjPin() {}
    }

    /** BPF_PROG_TEST_RUN. */
    public static final class TestRun {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("prog_fd"),
                U32.withName("retval"),
                U32.withName("data_size_in"),
                U32.withName("data_size_out"),
                U64.withName("data_in"),
                U64.withName("data_out"),
                U32.withName("repeat"),
                U32.withName("duration"),
                U32.withName("ctx_size_in"),
                U32.withName("ctx_size_out"),
                U64.withName("ctx_in"),
                U64.withName("ctx_out"),
                U32.withName("flags"),
                U32.withName("cpu"),
                U32.withName("batch_size"),
                MemoryLayout.paddingLayout(4));
        public static final long PROG_FD = off(LAYOUT, "prog_fd");
        public static final long RETVAL = off(LAYOUT, "retval");
        public static final long DATA_SIZE_IN = off(LAYOUT, "data_size_in");
        public static final long DATA_SIZE_OUT = off(LAYOUT, "data_size_out");
        public static final long DATA_IN = off(LAYOUT, "data_in");
        public static final long DATA_OUT = off(LAYOUT, "data_out");
        public static final long REPEAT = off(LAYOUT, "repeat");
        public static final long DURATION = off(LAYOUT, "duration");
        public static final long CTX_SIZE_IN = off(LAYOUT, "ctx_size_in");
        public static final long CTX_SIZE_OUT = off(LAYOUT, "ctx_size_out");
        public static final long CTX_IN = off(LAYOUT, "ctx_in");
        public static final long CTX_OUT = off(LAYOUT, "ctx_out");
        public static final long FLAGS = off(LAYOUT, "flags");
        public static final long CPU = off(LAYOUT, "cpu");
        public static final long BATCH_SIZE = off(LAYOUT, "batch_size");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private TestRun() {}
    }

    /** BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID. */
    public static final class GetId {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("start_id"),
                U32.withName("next_id"),
                U32.withName("open_flags"),
                U32.withName("fd_by_id_token_fd"));
        /** Also {@code prog_id}, {@code map_id}, {@code btf_id}, {@code link_id}. */
        public static final long START_ID = off(LAYOUT, "start_id");

        public static final long NEXT_ID = off(LAYOUT, "next_id");
        public static final long OPEN_FLAGS = off(LAYOUT, "open_flags");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private GetId() {}
    }

    /** BPF_OBJ_GET_INFO_BY_FD. */
    public static final class InfoByFd {
        public static final StructLayout LAYOUT =
                MemoryLayout.structLayout(U32.withName("bpf_fd"), U32.withName("info_len"), U64.withName("info"));
        public static final long BPF_FD = off(LAYOUT, "bpf_fd");
        public static final long INFO_LEN = off(LAYOUT, "info_len");
        public static final long INFO = off(LAYOUT, "info");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private InfoByFd() {}
    }

    /** BPF_BTF_LOAD. */
    public static final class BtfLoad {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U64.withName("btf"),
                U64.withName("btf_log_buf"),
                U32.withName("btf_size"),
                U32.withName("btf_log_size"),
                U32.withName("btf_log_level"),
                U32.withName("btf_log_true_size"),
                U32.withName("btf_flags"),
                U32.withName("btf_token_fd"));
        public static final long BTF = off(LAYOUT, "btf");
        public static final long BTF_LOG_BUF = off(LAYOUT, "btf_log_buf");
        public static final long BTF_SIZE = off(LAYOUT, "btf_size");
        public static final long BTF_LOG_SIZE = off(LAYOUT, "btf_log_size");
        public static final long BTF_LOG_LEVEL = off(LAYOUT, "btf_log_level");
        public static final long BTF_LOG_TRUE_SIZE = off(LAYOUT, "btf_log_true_size");
        public static final long BTF_FLAGS = off(LAYOUT, "btf_flags");
        public static final long BTF_TOKEN_FD = off(LAYOUT, "btf_token_fd");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private BtfLoad() {}
    }
}
