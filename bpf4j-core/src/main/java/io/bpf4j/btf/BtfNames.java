package io.bpf4j.btf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Name lookups over one {@link Btf}'s own types. The first few lookups scan the records' name
 * offsets and compare bytes in place (no String per type), which is cheaper than building any
 * index for a blob asked once or twice; a blob asked more often gets a hash index (arrays of ints,
 * no Strings) built once. The essential-name index (names without a {@code ___flavor} suffix, for
 * CO-RE) is built on first use.
 */
final class BtfNames {
    /** Lookups answered by scanning before the index is built. */
    private static final int SCANS_BEFORE_INDEX = 2;

    private static final int[] NONE = new int[0];

    private final Btf btf;
    private int scans;
    private volatile Table exact;
    private volatile Table essential;

    BtfNames(Btf btf) {
        this.btf = btf;
    }

    /** Chained hash table: {@code heads[hash & mask]} is 1 + the first own index, {@code next[i]} 1 + the following. */
    private record Table(int[] heads, int[] next, int mask) {}

    /** Own ids named exactly {@code name}, ascending. */
    int[] named(String name) {
        return named(name, -1);
    }

    /**
     * Own ids of BTF kind {@code kind} (-1: any) named exactly {@code name}, ascending. Scanning
     * compares the kind before the name, as libbpf's {@code btf__find_by_name_kind} does: the kind
     * is in the record being read anyway, the name is a random access into the string section.
     */
    int[] named(String name, int kind) {
        if (name.isEmpty()) {
            return NONE;
        }
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        Table t = exact;
        if (t == null) {
            if (scans < SCANS_BEFORE_INDEX) {
                scans++; // racy on purpose: a lost increment only delays the index
                return scan(q, kind, false);
            }
            t = table(false);
        }
        return lookup(t, hash(q, q.length), q, false, null, kind);
    }

    /**
     * The lowest own id of BTF kind {@code kind} named exactly {@code name}, or -1. Scanning stops
     * at the first match, as libbpf's {@code btf__find_by_name_kind} does.
     */
    int first(String name, int kind) {
        if (name.isEmpty()) {
            return -1;
        }
        byte[] q = name.getBytes(StandardCharsets.UTF_8);
        Table t = exact;
        int[] ids;
        if (t == null && scans < SCANS_BEFORE_INDEX) {
            scans++; // racy on purpose: a lost increment only delays the index
            ids = scan(q, kind, true);
        } else {
            ids = lookup(t == null ? table(false) : t, hash(q, q.length), q, false, null, kind);
        }
        return ids.length == 0 ? -1 : ids[0];
    }

    /** Own ids whose name without a {@code ___flavor} suffix is {@code essentialName}, ascending. */
    int[] withEssentialName(String essentialName) {
        if (essentialName.isEmpty()) {
            return NONE;
        }
        Table t = essential;
        if (t == null) {
            t = table(true);
        }
        byte[] q = essentialName.getBytes(StandardCharsets.UTF_8);
        return lookup(t, hash(q, q.length), q, true, essentialName, -1);
    }

    /** The exact-name or essential-name table, built once under the lock. */
    private synchronized Table table(boolean essentialNames) {
        Table t = essentialNames ? essential : exact;
        if (t == null) {
            t = build(essentialNames);
            if (essentialNames) {
                essential = t;
            } else {
                exact = t;
            }
        }
        return t;
    }

    /** Own ids of {@code kind} (-1: any) named {@code q}, ascending; only the first when {@code firstOnly}. */
    private int[] scan(byte[] q, int kind, boolean firstOnly) {
        int n = btf.ownCount();
        int[] hits = NONE;
        for (int i = 0; i < n; i++) {
            if (kind >= 0 && btf.kindOfOwn(i) != kind) {
                continue;
            }
            int off = btf.nameOffsetOfOwn(i);
            if (off != 0 && btf.stringEquals(off, q)) {
                hits = Arrays.copyOf(hits, hits.length + 1);
                hits[hits.length - 1] = btf.firstOwnId() + i;
                if (firstOnly) {
                    break;
                }
            }
        }
        return hits;
    }

    private Table build(boolean essentialNames) {
        int n = btf.ownCount();
        int size = Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
        int[] heads = new int[size];
        int[] next = new int[n];
        int mask = size - 1;
        // Inserted from the last id down, so each chain lists ids in ascending order.
        for (int i = n - 1; i >= 0; i--) {
            int off = btf.nameOffsetOfOwn(i);
            if (off == 0) {
                continue;
            }
            int h;
            if (essentialNames) {
                h = btf.essentialHash(off);
            } else {
                h = btf.stringHash(off, Integer.MAX_VALUE);
            }
            int slot = spread(h) & mask;
            next[i] = heads[slot];
            heads[slot] = i + 1;
        }
        return new Table(heads, next, mask);
    }

    private int[] lookup(Table t, int h, byte[] q, boolean essentialNames, String essentialName, int kind) {
        int[] hits = NONE;
        for (int e = t.heads[spread(h) & t.mask]; e != 0; e = t.next[e - 1]) {
            int i = e - 1;
            if (kind >= 0 && btf.kindOfOwn(i) != kind) {
                continue;
            }
            int off = btf.nameOffsetOfOwn(i);
            boolean match = essentialNames
                    ? CoreTypes.essentialName(btf.string(off)).equals(essentialName)
                    : btf.stringEquals(off, q);
            if (match) {
                hits = Arrays.copyOf(hits, hits.length + 1);
                hits[hits.length - 1] = btf.firstOwnId() + i;
            }
        }
        return hits;
    }

    private static int hash(byte[] b, int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
