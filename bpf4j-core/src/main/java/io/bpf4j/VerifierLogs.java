package io.bpf4j;

/** Turns a verifier log into the short message of a {@link VerifierException}. */
final class VerifierLogs {
    static final int TAIL_LINES = 20;

    private VerifierLogs() {}

    /** "program X (TYPE) rejected by the verifier:" and the log's last lines. */
    static String summary(ProgramSpec spec, String log) {
        StringBuilder sb = new StringBuilder("program \"")
                .append(spec.name())
                .append("\" (")
                .append(spec.type());
        if (!spec.sectionName().isEmpty()) {
            sb.append(", section ").append(spec.sectionName());
        }
        sb.append(") rejected by the verifier");
        String[] lines = log.strip().split("\n");
        if (log.isBlank()) {
            return sb.append(" (no log)").toString();
        }
        sb.append(":");
        int from = Math.max(0, lines.length - TAIL_LINES);
        if (from > 0) {
            sb.append("\n  ... ").append(from).append(" earlier log lines in VerifierException.log()");
        }
        for (int i = from; i < lines.length; i++) {
            sb.append("\n  ").append(lines[i]);
        }
        return sb.toString();
    }
}
