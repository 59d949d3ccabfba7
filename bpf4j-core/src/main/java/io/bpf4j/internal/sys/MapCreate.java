package io.bpf4j.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * BPF_MAP_CREATE's arguments, and the one function that sends them ({@link #call()}) through the
 * {@link Attr.MapCreate} layout. Fields left at 0 are left at 0 in the attr, as the kernel wants
 * for "none" ({@code innerMapFd} and {@code btfFd} included: fd 0 is never passed).
 *
 * <pre>{@code
 * long fd = MapCreate.of(MapType.HASH.value(), 4, 8, 1024).withFlags(MapFlags.NO_PREALLOC).call();
 * }</pre>
 *
 * @param name the map's name (sanitized and cut as the kernel accepts it), empty for none
 */
public record MapCreate(
        int type,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        int innerMapFd,
        int numaNode,
        String name,
        int btfFd,
        int btfKeyTypeId,
        int btfValueTypeId,
        int btfVmlinuxValueTypeId,
        long mapExtra) {

    /** A map of {@code type} with these sizes, everything else 0. */
    public static MapCreate of(int type, int keySize, int valueSize, int maxEntries) {
        return new MapCreate(type, keySize, valueSize, maxEntries, 0, 0, 0, "", 0, 0, 0, 0, 0);
    }

    public MapCreate withFlags(int newFlags) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                newFlags,
                innerMapFd,
                numaNode,
                name,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                btfVmlinuxValueTypeId,
                mapExtra);
    }

    public MapCreate withInnerMapFd(int fd) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                fd,
                numaNode,
                name,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                btfVmlinuxValueTypeId,
                mapExtra);
    }

    public MapCreate withNumaNode(int node) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                innerMapFd,
                node,
                name,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                btfVmlinuxValueTypeId,
                mapExtra);
    }

    public MapCreate withName(String newName) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                innerMapFd,
                numaNode,
                newName,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                btfVmlinuxValueTypeId,
                mapExtra);
    }

    /** Key and value typed by BTF object {@code fd}. */
    public MapCreate withBtf(int fd, int keyTypeId, int valueTypeId) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                innerMapFd,
                numaNode,
                name,
                fd,
                keyTypeId,
                valueTypeId,
                btfVmlinuxValueTypeId,
                mapExtra);
    }

    /** The kernel's (vmlinux) value type of a struct_ops map. */
    public MapCreate withVmlinuxValueTypeId(int id) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                innerMapFd,
                numaNode,
                name,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                id,
                mapExtra);
    }

    public MapCreate withMapExtra(long extra) {
        return new MapCreate(
                type,
                keySize,
                valueSize,
                maxEntries,
                flags,
                innerMapFd,
                numaNode,
                name,
                btfFd,
                btfKeyTypeId,
                btfValueTypeId,
                btfVmlinuxValueTypeId,
                extra);
    }

    /** Sends BPF_MAP_CREATE; returns the new map's fd, or the negated errno. */
    public long call() {
        MemorySegment attr = Scratch.get().attr(Attr.MapCreate.SIZE);
        attr.set(JAVA_INT, Attr.MapCreate.MAP_TYPE, type);
        attr.set(JAVA_INT, Attr.MapCreate.KEY_SIZE, keySize);
        attr.set(JAVA_INT, Attr.MapCreate.VALUE_SIZE, valueSize);
        attr.set(JAVA_INT, Attr.MapCreate.MAX_ENTRIES, maxEntries);
        attr.set(JAVA_INT, Attr.MapCreate.MAP_FLAGS, flags);
        attr.set(JAVA_INT, Attr.MapCreate.INNER_MAP_FD, innerMapFd);
        attr.set(JAVA_INT, Attr.MapCreate.NUMA_NODE, numaNode);
        attr.set(JAVA_INT, Attr.MapCreate.BTF_FD, btfFd);
        attr.set(JAVA_INT, Attr.MapCreate.BTF_KEY_TYPE_ID, btfKeyTypeId);
        attr.set(JAVA_INT, Attr.MapCreate.BTF_VALUE_TYPE_ID, btfValueTypeId);
        attr.set(JAVA_INT, Attr.MapCreate.BTF_VMLINUX_VALUE_TYPE_ID, btfVmlinuxValueTypeId);
        attr.set(JAVA_LONG, Attr.MapCreate.MAP_EXTRA, mapExtra);
        if (!name.isEmpty()) {
            Bpf.putObjectName(attr, Attr.MapCreate.MAP_NAME, name);
        }
        Tokens.onMapCreate(attr); // an object load's BPF token, if it has one
        return Bpf.call(BpfCmd.MAP_CREATE, attr, Attr.MapCreate.SIZE);
    }
}
