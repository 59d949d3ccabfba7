package io.bpf4j.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Registered for every test class (ServiceLoader + autodetection). With
 * {@code -Dbpf4j.strictSkips=true} (as {@code .ci/run} runs the build) an aborted test or class
 * whose reason does not carry {@link KernelFeature#MARKER} fails instead of skipping: the only
 * skip CI accepts is one a feature probe decided. Without the switch it does nothing.
 */
public final class StrictSkips implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    static final String PROPERTY = "bpf4j.strictSkips";

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw check(context.getDisplayName(), throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw check(context.getDisplayName(), throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw check(context.getDisplayName(), throwable);
    }

    /** The throwable to rethrow: the abort itself when allowed, else an AssertionError naming it. */
    static Throwable check(String displayName, Throwable throwable) {
        if (throwable instanceof TestAbortedException && Boolean.getBoolean(PROPERTY) && !fromProbe(throwable)) {
            return new AssertionError(
                    displayName + " skipped without a feature probe (-D" + PROPERTY
                            + "=true allows only KernelFeature skips): " + throwable.getMessage(),
                    throwable);
        }
        return throwable;
    }

    static boolean fromProbe(Throwable aborted) {
        String m = aborted.getMessage();
        return m != null && m.contains(KernelFeature.MARKER);
    }
}
