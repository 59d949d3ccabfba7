package io.bpf4j.link;

import io.bpf4j.BpfException;
import io.bpf4j.Program;
import io.bpf4j.ProgramSpec;
import io.bpf4j.ProgramType;
import io.bpf4j.asm.Instruction;
import java.util.List;

/**
 * Whether the running kernel has BPF cookies (5.15): the same probe as libbpf's
 * {@code FEAT_BPF_COOKIE} and the loader's {@code LINUX_HAS_BPF_COOKIE}, so the attach side and
 * {@code usdt.bpf.h}'s compiled-in choice (cookie or ip-to-spec map) always agree.
 */
final class UsdtCookies {
    /** BPF_FUNC_get_attach_cookie. */
    private static final int GET_ATTACH_COOKIE = 174;

    private static volatile Boolean supported;

    private UsdtCookies() {}

    static boolean supported() {
        Boolean s = supported;
        if (s == null) {
            s = probe();
            supported = s;
        }
        return s;
    }

    /** A tracepoint program calling bpf_get_attach_cookie loads only where the helper exists. */
    private static boolean probe() {
        ProgramSpec spec = ProgramSpec.builder("usdt_cookie", ProgramType.TRACEPOINT)
                .instructions(List.of(Instruction.call(GET_ATTACH_COOKIE), Instruction.exit()))
                .license("GPL")
                .build();
        try {
            Program.load(spec).close();
            return true;
        } catch (BpfException e) {
            return false;
        }
    }
}
