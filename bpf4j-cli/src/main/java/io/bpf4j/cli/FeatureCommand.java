package io.bpf4j.cli;

import io.bpf4j.BpfException;
import io.bpf4j.MapType;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.asm.Assembler;
import io.bpf4j.asm.Helpers;
import io.bpf4j.asm.Instruction;
import io.bpf4j.features.MapFeatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bpf4j feature probe}: which map types, program types and helpers (per program type)
 * this kernel accepts, each found by asking the kernel (creating a map, loading a tiny program),
 * as bpftool feature probe does.
 */
final class FeatureCommand {

    /** The subcommands by every name they answer to; {@link Main} registers only the one named. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> SUBCOMMANDS =
            new Cmd.Names().add("probe", ProbeCmd::spec).build();

    /** The group itself: feature SUBCOMMAND. */
    static CommandSpec group() {
        return Decl.group("feature", "What this kernel supports.");
    }

    static final class ProbeCmd extends Cmd implements Runnable {
        static CommandSpec spec() {
            ProbeCmd c = new ProbeCmd();
            return Decl.command(c, "probe", "Probe map types, program types and helpers.")
                    .flag(
                            "--no-helpers",
                            "Skip the helper probes (one load per helper and program type).",
                            v -> c.noHelpers = v)
                    .spec();
        }

        boolean noHelpers;

        @Override
        public void run() {
            Map<String, Object> maps = new LinkedHashMap<>();
            for (MapType t : MapType.values()) {
                maps.put("have_" + lower(t) + "_map_type", MapFeatures.supports(t));
            }
            Map<String, Object> progs = new LinkedHashMap<>();
            Map<String, Object> helpers = new LinkedHashMap<>();
            List<Instruction> trivial = Assembler.assemble("r0 = 0x0\nexit").instructions();
            for (ProgramType t : ProgramType.values()) {
                boolean ok = loads(t, trivial);
                progs.put("have_" + lower(t) + "_prog_type", ok);
                if (ok && !noHelpers) {
                    List<String> have = new java.util.ArrayList<>();
                    for (int id = 1; id <= Helpers.maxId(); id++) {
                        if (loads(
                                t,
                                Assembler.assemble("call " + id + "\nr0 = 0x0\nexit")
                                        .instructions())) {
                            have.add(Helpers.name(id).orElseThrow());
                        }
                    }
                    helpers.put(lower(t) + "_available_helpers", have);
                }
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("program_types", progs);
            top.put("map_types", maps);
            if (!noHelpers) {
                top.put("helpers", helpers);
            }
            emit(top, () -> {
                StringBuilder sb = new StringBuilder();
                progs.forEach((k, v) -> sb.append(k.replace("have_", "").replace("_prog_type", ""))
                        .append(" program type: ")
                        .append((Boolean) v ? "yes" : "no")
                        .append('\n'));
                maps.forEach((k, v) -> sb.append(k.replace("have_", "").replace("_map_type", ""))
                        .append(" map type: ")
                        .append((Boolean) v ? "yes" : "no")
                        .append('\n'));
                helpers.forEach((k, v) -> sb.append(k)
                        .append(": ")
                        .append(String.join(
                                ", ",
                                ((List<?>) v).stream().map(String::valueOf).toList()))
                        .append('\n'));
                return sb.toString();
            });
        }

        /**
         * Whether a tiny program of {@code type} loads: yes on success, or when the verifier
         * (not the program type check) refuses it; types that need an attach target (tracing,
         * ext, lsm, struct_ops) count as present when the kernel asks for the target.
         */
        private static boolean loads(ProgramType type, List<Instruction> code) {
            // The attach type or flag a type needs before the kernel looks at the code (as libbpf's probe sets them).
            ProgramSpec.Builder b = ProgramSpec.builder("probe", type).instructions(code);
            switch (type) {
                case CGROUP_SOCK_ADDR -> b.attachType(io.bpf4j.AttachType.CGROUP_INET4_CONNECT);
                case CGROUP_SOCKOPT -> b.attachType(io.bpf4j.AttachType.CGROUP_GETSOCKOPT);
                case SK_LOOKUP -> b.attachType(io.bpf4j.AttachType.SK_LOOKUP);
                case NETFILTER -> b.attachType(io.bpf4j.AttachType.NETFILTER);
                case LSM -> b.attachType(io.bpf4j.AttachType.LSM_MAC);
                case SYSCALL -> b.flags(io.bpf4j.ProgramFlags.SLEEPABLE);
                default -> {}
            }
            try {
                Program.load(b.build()).close();
                return true;
            } catch (BpfException e) {
                String m = e.getMessage();
                return e.errno().map(x -> x != io.bpf4j.Errno.EINVAL).orElse(false)
                        && !m.contains("unknown func")
                        && !m.contains("invalid func");
            }
        }
    }
}
