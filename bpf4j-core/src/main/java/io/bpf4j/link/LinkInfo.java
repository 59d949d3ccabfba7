package io.bpf4j.link;

/**
 * What the kernel says about a live BPF link ({@code struct bpf_link_info}'s common head).
 *
 * <pre>{@code
 * LinkInfo i = link.info();
 * System.out.println(i.type() + " link " + i.id() + " runs program " + i.programId());
 * }</pre>
 *
 * @param type the link's kind
 * @param id the link's kernel id
 * @param programId the id of the program it runs now
 */
public record LinkInfo(LinkType type, int id, int programId) {
}
