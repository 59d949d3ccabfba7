package io.bpf4j;

import io.bpf4j.btf.Btf;
import io.bpf4j.btf.Type;
import java.util.Optional;

/**
 * Where a {@code freplace} (EXT) program attaches: the BTF id of the replaced function in the
 * target program's BTF, found as libbpf's {@code libbpf_find_prog_btf_id} does (the target's
 * info names its BTF object; the function is looked up there by name).
 */
final class Extensions {
    private Extensions() {}

    static int targetBtfId(Program target, String extension, String function) {
        String what = "freplace program \"" + extension + "\" replacing \"" + function + "\" of program \""
                + target.name() + "\"";
        if (function == null || function.isEmpty()) {
            throw new IllegalArgumentException(what + ": the section names no function (use SEC(\"freplace/FUNC\"))");
        }
        int btfId = target.info().btfId();
        if (btfId == 0) {
            throw new BpfException(what + ": the target program was loaded without BTF, so its functions cannot be"
                    + " replaced (build it with clang -g)");
        }
        Btf btf = Btf.parse(KernelObjects.btfData(btfId));
        Optional<Integer> id = btf.findId(function, Type.Func.class);
        if (id.isEmpty()) {
            throw new BpfException(what + ": the target's BTF (id " + btfId + ") has no function \"" + function
                    + "\" (only global functions of the target can be replaced)");
        }
        return id.get();
    }
}
