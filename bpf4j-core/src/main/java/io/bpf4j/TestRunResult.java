package io.bpf4j;

import java.time.Duration;

/**
 * What a {@link Program#testRun} returned.
 *
 * @param returnValue the program's return value (e.g. an XDP action)
 * @param dataOut the packet data after the program ran
 * @param contextOut the context after the program ran (when asked for)
 * @param averageDuration the kernel's mean time per run
 */
public record TestRunResult(int returnValue, byte[] dataOut, byte[] contextOut, Duration averageDuration) {}
