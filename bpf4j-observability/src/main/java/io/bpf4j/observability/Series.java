package io.bpf4j.observability;

import java.util.List;

/**
 * One key's series of a {@link MapMetric}, kept across scrapes so that its tags are decoded once:
 * its tag values, and its latest numbers (one per value field, or a histogram's slot counts).
 * Values change under the sampler's lock; read them through {@link MapSampler}.
 */
public final class Series {
    final String[] tags;
    final double[] values;
    final long[] slots;
    final long[] readAt;
    long seenAt;
    boolean live = true;

    Series(String[] tags, int fields, int slots) {
        this.tags = tags;
        this.values = new double[fields];
        this.slots = slots > 0 ? new long[slots] : null;
        this.readAt = new long[Math.max(1, fields) + slots + 1];
    }

    /** The tag values, in {@link MapMetric#tagNames()} order. */
    public List<String> tags() {
        return List.of(tags);
    }

    /** Whether the key was still in the map at the latest read. */
    public boolean isLive() {
        return live;
    }

    @Override
    public String toString() {
        return "Series" + List.of(tags);
    }
}
