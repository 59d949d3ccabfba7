package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.BpfMap;
import io.bpf4j.BpfObject;
import io.bpf4j.Errno;
import io.bpf4j.NotSupportedException;
import io.bpf4j.Program;
import io.bpf4j.UpdateFlag;
import io.bpf4j.internal.elf.ElfBinary;
import io.bpf4j.internal.elf.LibraryPaths;
import io.bpf4j.internal.elf.StapsdtNotes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * USDT (user statically defined tracing) probes, compatible with libbpf's {@code usdt.bpf.h}: a
 * program written for libbpf as {@code SEC("usdt") int BPF_USDT(handler, int a, long b)} runs
 * unchanged, and its {@code bpf_usdt_arg()}, {@code bpf_usdt_arg_cnt()} and {@code bpf_usdt_cookie()}
 * see what libbpf would give them.
 *
 * <p>{@link #probes(Path)} lists the probes of a binary or shared library from its
 * {@code .note.stapsdt} notes. {@link #attach} attaches a program to every call site of one probe:
 * it decodes each site's argument specs into libbpf's {@code struct __bpf_usdt_spec}, writes one
 * per distinct argument string into the object's {@code __bpf_usdt_specs} map, and attaches a
 * uprobe per site whose BPF cookie is that spec's id (on kernels before 5.15, without cookies, it
 * maps each site's address to the id in {@code __bpf_usdt_ip_to_spec_id} instead, which needs a
 * pid for shared libraries and position-independent executables). A probe with a semaphore has it
 * raised by the kernel (the uprobe's {@code ref_ctr_offset}) while attached, so code guarded by
 * it runs.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectSpec.read(Path.of("trace.bpf.o")).load();
 *      UsdtLink link = Usdt.attach(obj, obj.program("on_gc"), Usdt.Spec.of("libjvm.so", "hotspot", "gc__begin"))) {
 *     ...
 * }
 * }</pre>
 */
public final class Usdt {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices/uprobe");

    /**
     * What to attach to: the probe {@code provider:name} in {@code binary} (an absolute path, or a
     * library name resolved through {@code /etc/ld.so.cache} as for uprobes), for every process or
     * for one pid, with a cookie the program reads with {@code bpf_usdt_cookie()}.
     */
    public record Spec(String binary, String provider, String name, OptionalInt pid, long cookie)
            implements AttachSpec {
        public Spec {
            Objects.requireNonNull(binary, "binary");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pid, "pid");
        }

        /** Every process running {@code binary}, cookie 0. */
        public static Spec of(String binary, String provider, String name) {
            return new Spec(binary, provider, name, OptionalInt.empty(), 0);
        }

        /** The same, for process {@code pid} only. */
        public Spec forPid(int p) {
            return new Spec(binary, provider, name, OptionalInt.of(p), cookie);
        }

        /** The same, with the cookie {@code bpf_usdt_cookie()} returns. */
        public Spec withCookie(long c) {
            return new Spec(binary, provider, name, pid, c);
        }

        @Override
        public String describe() {
            return "usdt " + binary + ":" + provider + ":" + name + (pid.isPresent() ? " pid " + pid.getAsInt() : "");
        }

        /** Parses libbpf's section target {@code PATH:PROVIDER:NAME} (from {@code SEC("usdt/PATH:PROVIDER:NAME")}). */
        public static Spec parse(String target) {
            int last = target.lastIndexOf(':');
            int mid = last <= 0 ? -1 : target.lastIndexOf(':', last - 1);
            if (mid <= 0 || last == target.length() - 1 || last == mid + 1) {
                throw new IllegalArgumentException("USDT target \"" + target + "\" is not PATH:PROVIDER:NAME");
            }
            return of(target.substring(0, mid), target.substring(mid + 1, last), target.substring(last + 1));
        }
    }

    private Usdt() {}

    /**
     * Every USDT probe call site in {@code binary} (an absolute path or a library name such as
     * {@code libc.so.6}), in note order; empty when it has no {@code .note.stapsdt}.
     *
     * @throws BpfException when a library name cannot be found
     * @throws io.bpf4j.ObjectFormatException when the file is not a well-formed ELF64 binary
     */
    public static List<UsdtProbe> probes(String binary) {
        return probes(resolve(binary));
    }

    /** Every USDT probe call site in the file at {@code path}, in note order. */
    public static List<UsdtProbe> probes(Path path) {
        return toProbes(path, StapsdtNotes.read(path));
    }

    /**
     * Attaches {@code program} (loaded from {@code object}, which includes {@code usdt.bpf.h}) to
     * every call site of the probe {@code spec} names. On failure nothing stays attached.
     *
     * @throws BpfException when the probe does not exist (the message lists the probes the binary
     *         has), the object lacks usdt.bpf.h's maps, or the kernel refuses a uprobe
     * @throws IllegalArgumentException naming the probe and the argument, for an argument spec
     *         usdt.bpf.h cannot read
     * @throws NotSupportedException when the probe has a semaphore and the kernel cannot raise it
     *         (before 4.20), or when the kernel has no BPF cookies and the target needs them
     */
    public static UsdtLink attach(BpfObject object, Program program, Spec spec) {
        Path path = resolve(spec.binary());
        StapsdtNotes notes = StapsdtNotes.read(path);
        List<UsdtProbe> all = toProbes(path, notes);
        List<UsdtProbe> sites = all.stream()
                .filter(p -> p.provider().equals(spec.provider()) && p.name().equals(spec.name()))
                .toList();
        String probe = spec.provider() + ":" + spec.name();
        if (sites.isEmpty()) {
            throw new BpfException(
                    "no USDT probe " + probe + " in " + path + "; " + inventory(all),
                    Errno.ENOENT.number(),
                    "usdt",
                    path.toString());
        }
        String what = "usdt " + path + ":" + probe
                + spec.pid().stream().mapToObj(p -> " pid " + p).findFirst().orElse("");
        BpfMap specs = object.findMap(UsdtSpecs.SPECS_MAP).orElseThrow(() -> missingMaps(object, what));
        BpfMap ipMap = object.findMap(UsdtSpecs.IP_MAP).orElseThrow(() -> missingMaps(object, what));
        UsdtSpecs.check(specs);
        // Decode every site before touching the kernel: a bad spec leaves nothing behind.
        Map<String, List<UsdtArgument>> decoded = new LinkedHashMap<>();
        for (UsdtProbe site : sites) {
            decoded.computeIfAbsent(site.arguments(), a -> site.parsedArguments());
        }
        boolean cookies = UsdtCookies.supported();
        long[] ips = cookies ? new long[0] : absoluteIps(notes, sites, spec.pid(), what);
        int[] ids = new int[0];
        List<Link> links = new ArrayList<>();
        try {
            Map<String, Integer> idOf = new LinkedHashMap<>();
            for (Map.Entry<String, List<UsdtArgument>> e : decoded.entrySet()) {
                int id = UsdtSpecs.allocate(specs, what);
                ids = java.util.Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = id;
                idOf.put(e.getKey(), id);
                specs.update(intKey(id), UsdtSpecs.encode(e.getValue(), spec.cookie()), UpdateFlag.ANY);
            }
            for (int i = 0; i < ips.length; i++) {
                byte[] ip = ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, ips[i])
                        .array();
                try {
                    ipMap.update(ip, intKey(idOf.get(sites.get(i).arguments())), UpdateFlag.NOEXIST);
                } catch (io.bpf4j.KeyExistsException ex) {
                    long taken = ips[i];
                    ips = java.util.Arrays.copyOf(ips, i); // only ours are removed on failure
                    throw new BpfException(
                            "cannot attach " + what + ": address 0x" + Long.toHexString(taken)
                                    + " is already traced by another USDT attachment of this object (ip collision)",
                            ex);
                }
            }
            for (UsdtProbe site : sites) {
                long id = idOf.get(site.arguments());
                links.add(attachSite(program, path, site, spec.pid(), cookies, id, what));
            }
        } catch (RuntimeException e) {
            UsdtLink partial = new UsdtLink(what, links, specs, ids, ipMap, ips);
            try {
                partial.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        String description = what + " (" + sites.size() + (sites.size() == 1 ? " site" : " sites") + ") -> program \""
                + program.name() + "\"";
        return new UsdtLink(description, links, specs, ids, ipMap, ips);
    }

    /** One uprobe at a site, with its spec id as BPF cookie and its semaphore as ref_ctr_offset. */
    private static Link attachSite(
            Program program, Path path, UsdtProbe site, OptionalInt pid, boolean cookies, long id, String what) {
        String siteWhat = what + " site 0x" + Long.toHexString(site.address());
        // Kernels before 5.15 have neither perf links nor cookies: the uprobe then attaches through
        // the perf event ioctl, and the program finds its spec by address (see absoluteIps).
        Uprobe.Spec s = Uprobe.Spec.atOffset(path.toString(), site.fileOffset()).cookie(cookies ? id : 0);
        if (site.semaphoreOffset().isPresent()) {
            refCtrShift(siteWhat); // the kernel must be able to raise the semaphore
            s = s.refCtrOffset(site.semaphoreOffset().getAsLong());
        }
        if (pid.isPresent()) {
            s = s.pid(pid.getAsInt());
        }
        return Uprobe.attach(program, s);
    }

    /** The bit of config where the uprobe PMU takes ref_ctr_offset ("config:32-63"). */
    private static int refCtrShift(String what) {
        Path format = PMU.resolve("format").resolve("ref_ctr_offset");
        try {
            String f = Files.readString(format).trim();
            return Integer.parseInt(f.substring(f.indexOf(':') + 1, f.indexOf('-')));
        } catch (IOException | RuntimeException e) {
            throw new NotSupportedException(
                    "USDT semaphores through uprobe ref_ctr_offset (no " + format + ") for " + what,
                    "4.20",
                    0,
                    "perf_event_open",
                    what);
        }
    }

    /**
     * Without BPF cookies the program looks its spec up by the address it fires at: the note's
     * address for a fixed-address executable; for a shared library or PIE, where the file is mapped
     * in {@code pid} (from /proc/PID/maps), as libbpf does.
     */
    private static long[] absoluteIps(StapsdtNotes notes, List<UsdtProbe> sites, OptionalInt pid, String what) {
        long[] out = new long[sites.size()];
        if (notes.elfType() == ElfBinary.ET_EXEC) {
            for (int i = 0; i < out.length; i++) {
                out[i] = sites.get(i).address();
            }
            return out;
        }
        if (pid.isEmpty()) {
            throw new NotSupportedException(
                    "attaching " + what + " (a shared object) for every process without BPF " + "cookies; give a pid",
                    "5.15",
                    0,
                    "usdt",
                    what);
        }
        List<long[]> maps = ProcessMaps.executableMappings(pid.getAsInt(), Path.of(notes.file()), what);
        for (int i = 0; i < out.length; i++) {
            long off = sites.get(i).fileOffset();
            long ip = -1;
            for (long[] m : maps) { // start, end, file offset
                if (off >= m[2] && off < m[2] + (m[1] - m[0])) {
                    ip = m[0] - m[2] + off;
                    break;
                }
            }
            if (ip < 0) {
                throw new BpfException(
                        "cannot attach " + what + ": file offset 0x" + Long.toHexString(off)
                                + " is in no executable mapping of " + notes.file() + " in pid " + pid.getAsInt(),
                        Errno.ESRCH.number(),
                        "usdt",
                        what);
            }
            out[i] = ip;
        }
        return out;
    }

    private static BpfException missingMaps(BpfObject object, String what) {
        return new BpfException(
                "cannot attach " + what + ": object \"" + object.name() + "\" has no map " + UsdtSpecs.SPECS_MAP
                        + " or " + UsdtSpecs.IP_MAP + "; include <bpf/usdt.bpf.h> in the BPF program",
                Errno.ESRCH.number(),
                "usdt",
                object.name());
    }

    /** "it has probes a:b (2 sites), c:d" or "it has no USDT probes". */
    private static String inventory(List<UsdtProbe> all) {
        if (all.isEmpty()) {
            return "it has no USDT probes (no " + StapsdtNotes.NOTE_SECTION + " notes)";
        }
        Map<String, Long> counts =
                all.stream().collect(Collectors.groupingBy(UsdtProbe::id, LinkedHashMap::new, Collectors.counting()));
        return "its probes are "
                + counts.entrySet().stream()
                        .map(e -> e.getKey() + (e.getValue() > 1 ? " (" + e.getValue() + " sites)" : ""))
                        .collect(Collectors.joining(", "));
    }

    private static List<UsdtProbe> toProbes(Path path, StapsdtNotes notes) {
        return notes.probes().stream()
                .map(p -> new UsdtProbe(
                        path,
                        p.provider(),
                        p.name(),
                        p.address(),
                        p.fileOffset(),
                        p.semaphoreAddress(),
                        p.semaphoreOffset(),
                        p.arguments()))
                .toList();
    }

    private static Path resolve(String binary) {
        return LibraryPaths.resolve(binary)
                .orElseThrow(() -> new BpfException(
                        "no library or binary \"" + binary
                                + "\" (looked in /etc/ld.so.cache and the standard library directories)",
                        Errno.ENOENT.number(),
                        "usdt",
                        binary));
    }

    private static byte[] intKey(long id) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, (int) id)
                .array();
    }
}
