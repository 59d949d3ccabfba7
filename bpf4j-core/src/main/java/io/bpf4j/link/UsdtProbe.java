package io.bpf4j.link;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * One call site of a USDT probe in a binary or shared library, from its {@code .note.stapsdt}
 * note. A probe ({@code provider:name}) may have many sites (one per inlined or repeated
 * {@code STAP_PROBE}), each with its own argument locations.
 *
 * <pre>{@code
 * for (UsdtProbe p : Usdt.probes(Path.of("/usr/lib/jvm/java-25/lib/server/libjvm.so"))) {
 *     System.out.println(p.provider() + ":" + p.name() + " " + p.arguments());
 * }
 * }</pre>
 *
 * @param binary the file the note was read from
 * @param provider the provider ({@code hotspot}, {@code libc}, ...)
 * @param name the probe's name within its provider
 * @param address the site's virtual address in the file, corrected for prelink through {@code .stapsdt.base}
 * @param fileOffset the site's offset in the file (what its uprobe attaches to)
 * @param semaphoreAddress the virtual address of the probe's semaphore, if it has one
 * @param semaphoreOffset the semaphore's file offset (the uprobe's {@code ref_ctr_offset})
 * @param arguments the argument specs as the note writes them ({@code -4@%edi 8@-16(%rbp)}), "" for none
 */
public record UsdtProbe(
        Path binary,
        String provider,
        String name,
        long address,
        long fileOffset,
        OptionalLong semaphoreAddress,
        OptionalLong semaphoreOffset,
        String arguments) {
    /** {@code provider:name}. */
    public String id() {
        return provider + ":" + name;
    }

    /**
     * The arguments decoded (see {@link UsdtArgument}).
     *
     * @throws IllegalArgumentException naming this probe and the argument, for a spec form
     *         usdt.bpf.h cannot read
     */
    public List<UsdtArgument> parsedArguments() {
        return UsdtArgumentParser.parse(arguments, id() + " at 0x" + Long.toHexString(address) + " in " + binary);
    }

    @Override
    public String toString() {
        return id() + " at 0x" + Long.toHexString(address)
                + (semaphoreAddress.isPresent()
                        ? " (semaphore 0x" + Long.toHexString(semaphoreAddress.getAsLong()) + ")"
                        : "")
                + " [" + arguments + "] in " + binary;
    }
}
