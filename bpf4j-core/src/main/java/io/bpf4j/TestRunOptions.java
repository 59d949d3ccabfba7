package io.bpf4j;

import java.util.Objects;

/**
 * Input of {@link Program#testRun(TestRunOptions)} (BPF_PROG_TEST_RUN).
 *
 * <pre>{@code
 * TestRunResult r = prog.testRun(TestRunOptions.data(packet).withRepeat(1000));
 * }</pre>
 *
 * @param data packet data in (XDP, tc, socket filter)
 * @param dataOutSize room for data out, 0 for the input size plus headroom
 * @param context context in (e.g. struct xdp_md, raw tracepoint args)
 * @param contextOut whether to read the context back
 * @param repeat how many times to run (0 and 1 both mean once)
 * @param flags BPF_F_TEST_* flags
 * @param cpu the CPU to run on, with flag BPF_F_TEST_RUN_ON_CPU
 * @param batchSize for XDP live frames mode
 */
public record TestRunOptions(
        byte[] data,
        int dataOutSize,
        byte[] context,
        boolean contextOut,
        int repeat,
        int flags,
        int cpu,
        int batchSize) {
    /** Checks nulls and negative counts. */
    public TestRunOptions {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(context, "context");
        if (repeat < 0 || dataOutSize < 0 || cpu < 0 || batchSize < 0) {
            throw new IllegalArgumentException("negative repeat, size, cpu or batch size");
        }
    }

    /** Run on this packet data. */
    public static TestRunOptions data(byte[] data) {
        return new TestRunOptions(data.clone(), 0, new byte[0], false, 1, 0, 0, 0);
    }

    /**
     * Run once with this context and no data (raw tracepoints, syscall programs): no repeat and no
     * context out, which the kernel refuses for those program types ({@link #withContext} asks for
     * the context back).
     */
    public static TestRunOptions context(byte[] ctx) {
        return new TestRunOptions(new byte[0], 0, ctx.clone(), false, 0, 0, 0, 0);
    }

    /** The same run, repeated. */
    public TestRunOptions withRepeat(int n) {
        return new TestRunOptions(data, dataOutSize, context, contextOut, n, flags, cpu, batchSize);
    }

    /** The same run with a context too. */
    public TestRunOptions withContext(byte[] ctx) {
        return new TestRunOptions(data, dataOutSize, ctx.clone(), true, repeat, flags, cpu, batchSize);
    }

    /** The same run with flags (and a CPU for BPF_F_TEST_RUN_ON_CPU). */
    public TestRunOptions withFlags(int f, int onCpu) {
        return new TestRunOptions(data, dataOutSize, context, contextOut, repeat, f, onCpu, batchSize);
    }
}
