package io.bpf4j.observability;

/** Summaries of log2 slot counts (slot {@code i} holds values in {@code [2^i, 2^(i+1))}, slot 0 also 0). */
final class Log2 {
    private Log2() {}

    static long count(long[] slots) {
        long n = 0;
        for (long c : slots) {
            n += c;
        }
        return n;
    }

    /** The lower bound of slot {@code i}: 0 for slot 0, else {@code 2^i}. */
    static double lower(int i) {
        return i == 0 ? 0 : Math.scalb(1.0, i);
    }

    /**
     * An estimate of the sum of the observations: each slot's count times its midpoint. The
     * kernel keeps only the counts, so this is within a factor of 1.5 of the true sum.
     */
    static double estimatedSum(long[] slots) {
        double sum = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != 0) {
                sum += slots[i] * (lower(i) + MapMetric.slotUpperBound(i)) / 2;
            }
        }
        return sum;
    }

    /** The upper bound of the highest slot with a count, 0 when all are empty. */
    static double max(long[] slots) {
        for (int i = slots.length - 1; i >= 0; i--) {
            if (slots[i] != 0) {
                return MapMetric.slotUpperBound(i);
            }
        }
        return 0;
    }
}
