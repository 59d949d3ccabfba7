package io.bpf4j.link;

import io.bpf4j.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A program attached to every call site of one USDT probe: one uprobe per site, each carrying
 * the id of its argument spec (as its BPF cookie, or through the ip-to-spec map on kernels without
 * cookies). While it is attached the probe's semaphore, if any, is raised in every traced process.
 * Closing it detaches every site, drops its ip-to-spec entries and frees its spec ids.
 *
 * <pre>{@code
 * try (UsdtLink l = Usdt.attach(obj, obj.program("on_query"), Usdt.Spec.of("/usr/bin/postgres", "postgresql", "query__start"))) {
 *     System.out.println(l.sites() + " sites");
 * }
 * }</pre>
 */
public final class UsdtLink implements Link {
    private final String description;
    private final List<Link> sites;
    private final BpfMap specs;
    private final int[] specIds;
    private final BpfMap ipMap;
    private final long[] ips;
    private final AtomicBoolean closed = new AtomicBoolean();

    UsdtLink(String description, List<Link> sites, BpfMap specs, int[] specIds, BpfMap ipMap, long[] ips) {
        this.description = description;
        this.sites = List.copyOf(sites);
        this.specs = specs;
        this.specIds = specIds.clone();
        this.ipMap = ipMap;
        this.ips = ips.clone();
    }

    /** What is attached, e.g. {@code usdt /usr/bin/app:prov:name (3 sites) -> program "p"}. */
    public String description() {
        return description;
    }

    /** How many call sites are attached. */
    public int sites() {
        return sites.size();
    }

    /** The uprobe link of each site, in note order. */
    public List<Link> siteLinks() {
        return sites;
    }

    /** The spec ids this attachment holds in {@code __bpf_usdt_specs} (one per distinct argument string). */
    public int[] specIds() {
        return specIds.clone();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Detaches every site, then forgets its ip-to-spec entries and spec ids. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException first = null;
        for (Link l : sites) {
            try {
                l.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        // Without cookies the program finds its spec by ip: a stale entry would make the next
        // attachment at that ip fail as a collision, as in libbpf.
        for (long ip : ips) {
            try {
                ipMap.delete(ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, ip)
                        .array());
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        UsdtSpecs.free(specs, specIds);
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "UsdtLink[" + description + (closed.get() ? " closed" : "") + "]";
    }
}
