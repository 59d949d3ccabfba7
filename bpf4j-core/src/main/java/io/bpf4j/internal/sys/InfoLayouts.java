package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * What BPF_OBJ_GET_INFO_BY_FD ({@link Bpf#infoByFd}) writes for a map and a link, laid out like
 * the kernel's UAPI ({@code struct bpf_map_info}, the head of {@code struct bpf_link_info}), and
 * the byte offsets of the fields bpf4j reads. ({@code bpf_prog_info} is {@code
 * io.bpf4j.ProgramInfoLayout}'s.)
 */
public final class InfoLayouts {
    private InfoLayouts() {}

    private static final MemoryLayout U32 = JAVA_INT;
    private static final MemoryLayout U64 = JAVA_LONG;

    /** {@code struct bpf_map_info} up to {@code map_extra} (Linux 5.16): 88 bytes. */
    public static final class MapInfo {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("type"),
                U32.withName("id"),
                U32.withName("key_size"),
                U32.withName("value_size"),
                U32.withName("max_entries"),
                U32.withName("map_flags"),
                MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("name"),
                U32.withName("ifindex"),
                U32.withName("btf_vmlinux_value_type_id"),
                U64.withName("netns_dev"),
                U64.withName("netns_ino"),
                U32.withName("btf_id"),
                U32.withName("btf_key_type_id"),
                U32.withName("btf_value_type_id"),
                U32.withName("btf_vmlinux_id"),
                U64.withName("map_extra"));
        public static final long TYPE = Attr.off(LAYOUT, "type");
        public static final long ID = Attr.off(LAYOUT, "id");
        public static final long KEY_SIZE = Attr.off(LAYOUT, "key_size");
        public static final long VALUE_SIZE = Attr.off(LAYOUT, "value_size");
        public static final long MAX_ENTRIES = Attr.off(LAYOUT, "max_entries");
        public static final long MAP_FLAGS = Attr.off(LAYOUT, "map_flags");
        public static final long NAME = Attr.off(LAYOUT, "name");
        /** The length of {@code name}, NUL padded. */
        public static final int NAME_SIZE = 16;

        public static final long BTF_ID = Attr.off(LAYOUT, "btf_id");
        public static final long BTF_KEY_TYPE_ID = Attr.off(LAYOUT, "btf_key_type_id");
        public static final long BTF_VALUE_TYPE_ID = Attr.off(LAYOUT, "btf_value_type_id");
        public static final long MAP_EXTRA = Attr.off(LAYOUT, "map_extra");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private MapInfo() {}
    }

    /**
     * {@code struct bpf_link_info}: the fields every link has, then room for the per-kind union
     * (which bpf4j does not read), 64 bytes in all.
     */
    public static final class LinkInfo {
        public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                U32.withName("type"),
                U32.withName("id"),
                U32.withName("prog_id"),
                MemoryLayout.paddingLayout(4),
                MemoryLayout.sequenceLayout(48, JAVA_BYTE).withName("kind"));
        public static final long TYPE = Attr.off(LAYOUT, "type");
        public static final long ID = Attr.off(LAYOUT, "id");
        public static final long PROG_ID = Attr.off(LAYOUT, "prog_id");
        public static final int SIZE = (int) LAYOUT.byteSize();

        private LinkInfo() {}
    }
}
