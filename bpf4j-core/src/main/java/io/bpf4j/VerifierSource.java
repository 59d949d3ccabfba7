package io.bpf4j;

import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points a verifier rejection at the source: the log names instructions by index
 * ({@code "12: (79) r1 = *(u64 *)(r0 +16)"}); the program's line info says which source line
 * each instruction came from.
 */
final class VerifierSource {
    /** An instruction line of the verifier log: "index: (opcode) ...". */
    private static final Pattern INSN = Pattern.compile("^(\\d+): \\([0-9a-f]{2}\\)", Pattern.MULTILINE);

    private VerifierSource() {}

    /** The index of the last instruction the log shows, where the verifier stopped. */
    static OptionalInt lastInstruction(String log) {
        Matcher m = INSN.matcher(log);
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last < 0 ? OptionalInt.empty() : OptionalInt.of(last);
    }

    /** The source line an instruction belongs to: the last record at or before its slot. */
    static java.util.Optional<SourceLine> lineOf(int slot, List<SourceLine> lines) {
        SourceLine best = null;
        for (SourceLine l : lines) {
            if (l.slot() <= slot && (best == null || l.slot() >= best.slot())) {
                best = l;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /**
     * A rejection re-told with its source location: the same log and errno, the message
     * extended by the line where the verifier stopped.
     */
    static VerifierException withSource(VerifierException e, String program, List<SourceLine> lines) {
        OptionalInt at = lastInstruction(e.log());
        if (at.isEmpty()) {
            return e;
        }
        var line = lineOf(at.getAsInt(), lines);
        if (line.isEmpty()) {
            return e;
        }
        String poison = e.log().contains("unknown#" + io.bpf4j.btf.CoreRelocator.POISON_HELPER)
                ? "\n  the loader poisoned this instruction: its CO-RE relocation matched nothing in the kernel's BTF"
                        + " (guard it with bpf_core_field_exists / bpf_core_type_exists)"
                : "";
        VerifierException out = new VerifierException(
                firstPart(e.getMessage()) + "\n  at instruction " + at.getAsInt() + ", " + line.get() + poison,
                e.errnoNumber(),
                program,
                e.log());
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /** The message without the "(BPF_PROG_LOAD: errno ...)" suffix BpfException appends. */
    private static String firstPart(String message) {
        int i = message.lastIndexOf(" (BPF_PROG_LOAD: ");
        return i < 0 ? message : message.substring(0, i);
    }
}
