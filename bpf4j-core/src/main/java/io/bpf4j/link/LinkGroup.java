package io.bpf4j.link;

import java.util.ArrayList;
import java.util.List;

/**
 * Several links made by one attach (an XDP program on every interface, a TCX program on a list
 * of interfaces): closing the group closes each member, newest first.
 *
 * <pre>{@code
 * try (Link all = Attach.attach(prog, Xdp.Spec.allInterfaces())) {
 *     ((LinkGroup) all).members().forEach(System.out::println);
 * }
 * }</pre>
 */
public final class LinkGroup implements Link {
    private final List<Link> members;
    private final String description;
    private volatile boolean closed;

    /** A group owning {@code members} (closed together). */
    public LinkGroup(List<? extends Link> members, String description) {
        this.members = List.copyOf(members);
        this.description = description;
    }

    /** The links of the group, in the order they were made. */
    public List<Link> members() {
        return members;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        List<Link> reversed = new ArrayList<>(members);
        java.util.Collections.reverse(reversed);
        for (Link l : reversed) {
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
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "LinkGroup[" + description + ", " + members.size() + " links" + (closed ? " closed" : "") + "]";
    }
}
