package io.bpf4j.examples;

import io.bpf4j.examples.bpf.ExecEvents;
import java.time.Duration;

/** An execsnoop through the skeleton bpf4j-maven-plugin generates from exec_events.bpf.c: no layout by hand. */
public final class QuickSnoop {
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 && !args[0].isBlank() ? Long.parseLong(args[0].trim()) : 10;
        try (ExecEvents skel = ExecEvents.load()) {
            skel.attachAll();
            new ProcessBuilder("/bin/true").start().waitFor(); // so that an idle machine shows one
            for (long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos(); System.nanoTime() < end; ) {
                skel.pollEvents(
                        Duration.ofMillis(200),
                        e -> System.out.printf("%-8d %-16s %s%n", e.pid(), e.comm(), e.filename()));
            }
        }
    }
}
