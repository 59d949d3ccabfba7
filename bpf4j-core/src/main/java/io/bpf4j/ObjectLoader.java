package io.bpf4j;

import io.bpf4j.asm.Instruction;
import io.bpf4j.asm.Opcodes;
import io.bpf4j.btf.CoreRelocation;
import io.bpf4j.btf.CoreRelocator;
import io.bpf4j.btf.CoreTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns a {@link LoadPlan} into a {@link BpfObject}: loads the object's BTF, creates (or reuses
 * pinned) maps and fills global data, rewrites instructions (map fds and values, kfuncs and
 * kernel symbols, CO-RE), links each program with its subprograms, resolves BTF attach targets
 * and loads the programs with func/line info. Any failure releases everything made so far.
 *
 * <pre>{@code
 * try (BpfObject obj = ObjectLoader.load(plan, ObjectLoader.Options.DEFAULT)) { ... }
 * }</pre>
 */
final class ObjectLoader {
    private static final System.Logger LOG = System.getLogger(ObjectLoader.class.getName());

    private ObjectLoader() {}

    /**
     * How to load.
     *
     * @param pinDirectory where {@link Pinning#BY_NAME} maps live
     * @param logLevel verifier log level kept on success (0: none)
     */
    record Options(Path pinDirectory, int logLevel, Map<String, Program> extensionTargets) {
        static final Options DEFAULT = new Options(Path.of("/sys/fs/bpf"), 0, Map.of());

        Options(Path pinDirectory, int logLevel) {
            this(pinDirectory, logLevel, Map.of());
        }
    }

    static BpfObject load(LoadPlan plan, Options options) {
        // struct_ops values are laid out against the kernel's BTF before anything is made.
        Map<String, StructOpsLayout> structOps = StructOpsMaps.layouts(plan);
        io.bpf4j.btf.BtfHandle btf = loadBtf(plan);
        // The object's BTF fd is only needed while loading: maps and programs hold their own references.
        try (Rollback made = new Rollback()) {
            OptionalInt btfFd = btf == null ? OptionalInt.empty() : OptionalInt.of(btf.fd());
            Map<String, BpfMap> maps = createMaps(plan, options, btfFd, structOps, made);
            Map<String, List<Instruction>> code = rewrite(plan, maps);
            Map<String, Program> programs = loadPrograms(plan, options, code, btfFd, structOps, made);
            fillSlots(plan, maps, programs);
            Map<String, byte[]> structOpsValues = StructOpsMaps.values(structOps, programs);
            made.commit();
            BpfObject obj = new BpfObject(
                    plan.objectName(),
                    maps,
                    programs,
                    plan.programs().stream().map(LoadPlan.ProgramPlan::spec).toList());
            obj.setStructOpsValues(structOpsValues);
            return obj;
        } finally {
            if (btf != null) {
                btf.close();
            }
        }
    }

    // ---- BTF ---------------------------------------------------------------------------------

    /**
     * Sanitizations in the order the kernel gained the features (newest first): each retry adds
     * the next older one, so the first set the kernel accepts rewrites just what it lacks, as
     * libbpf's per-feature probes would.
     */
    static final List<io.bpf4j.btf.Sanitize> SANITIZE_ORDER = List.of(
            io.bpf4j.btf.Sanitize.ENUM64,
            io.bpf4j.btf.Sanitize.TYPE_TAG,
            io.bpf4j.btf.Sanitize.DECL_TAG,
            io.bpf4j.btf.Sanitize.FLOAT,
            io.bpf4j.btf.Sanitize.FUNC_LINKAGE,
            io.bpf4j.btf.Sanitize.DATASEC_VAR);

    /**
     * The object's BTF in the kernel, or null when it has none. BTF the kernel refuses is
     * sanitized for older kernels and retried; only when no sanitized form loads either does the
     * object load without BTF, as libbpf does (with a warning).
     */
    private static io.bpf4j.btf.BtfHandle loadBtf(LoadPlan plan) {
        if (plan.btf().length == 0) {
            return null;
        }
        io.bpf4j.btf.Btf types = plan.types().orElseThrow();
        java.util.Set<String> hidden = plan.btfLayout().hiddenFunctions();
        String what = "BTF of object " + plan.objectName();
        BpfException first;
        try {
            return io.bpf4j.btf.BtfHandle.loadRaw(ObjectBtf.forKernel(types, hidden, java.util.Set.of()), what);
        } catch (BpfException e) {
            first = e;
        }
        java.util.EnumSet<io.bpf4j.btf.Sanitize> sanitize = java.util.EnumSet.noneOf(io.bpf4j.btf.Sanitize.class);
        for (io.bpf4j.btf.Sanitize s : SANITIZE_ORDER) {
            sanitize.add(s);
            try {
                io.bpf4j.btf.BtfHandle h = io.bpf4j.btf.BtfHandle.loadRaw(
                        ObjectBtf.forKernel(types, hidden, sanitize), what + " (sanitized: " + sanitize + ")");
                LOG.log(
                        System.Logger.Level.DEBUG,
                        () -> what + " loaded with " + sanitize + " rewritten for this kernel");
                return h;
            } catch (BpfException e) {
                // the kernel lacks an older feature too: sanitize one more
            }
        }
        // As libbpf: an object whose BTF the kernel refuses even sanitized still loads, without
        // BTF-typed maps and without func/line info.
        LOG.log(System.Logger.Level.WARNING, "loading " + plan.objectName() + " without BTF: " + first.getMessage());
        return null;
    }

    // ---- maps --------------------------------------------------------------------------------

    private static Map<String, BpfMap> createMaps(
            LoadPlan plan, Options options, OptionalInt btfFd, Map<String, StructOpsLayout> structOps, Rollback made) {
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        byte[] kconfig = kconfigBytes(plan);
        for (LoadPlan.MapPlan m : plan.maps()) {
            m = sizedForThisMachine(m);
            BpfMap map;
            if (m.reuseFd().isPresent()) {
                map = made.add(BpfMap.fromFd(m.reuseFd().get()));
                List<String> diffs = ObjectMaps.differences(m.spec(), map.info());
                if (!diffs.isEmpty()) {
                    throw new BpfException("the map fd given for \"" + m.name() + "\" does not match its definition: "
                            + String.join(", ", diffs));
                }
            } else if (structOps.containsKey(m.name())) {
                map = made.add(StructOpsMaps.create(m, structOps.get(m.name()), btfFd));
            } else if (m.globalSection().isPresent()) {
                byte[] init = m.name().equals(".kconfig")
                        ? kconfig
                        : m.globalSection().get();
                map = made.add(GlobalData.create(m.spec(), m.name(), init, btfFd));
            } else if (m.spec().pinning() == Pinning.BY_NAME) {
                boolean[] reused = new boolean[1];
                map = made.add(ObjectMaps.openOrCreatePinned(m.spec(), btfFd, options.pinDirectory(), reused));
                if (!reused[0]) {
                    // A pin this load made goes away with a failed load, as libbpf unpins on failure.
                    Path pin = options.pinDirectory().resolve(m.spec().name());
                    made.add(() -> java.nio.file.Files.deleteIfExists(pin));
                }
            } else {
                map = made.add(ObjectMaps.create(m.spec(), btfFd));
            }
            maps.put(m.name(), map);
        }
        return maps;
    }

    /** As libbpf: a PERF_EVENT_ARRAY without max_entries gets one slot per possible CPU of this machine. */
    private static LoadPlan.MapPlan sizedForThisMachine(LoadPlan.MapPlan m) {
        if (m.spec().type() != MapType.PERF_EVENT_ARRAY || m.spec().maxEntries() != 0) {
            return m;
        }
        MapSpec sized = m.spec().toBuilder()
                .maxEntries(io.bpf4j.internal.sys.Cpus.possibleCount())
                .build();
        return new LoadPlan.MapPlan(m.name(), sized, m.globalSection(), m.initialSlots(), m.reuseFd());
    }

    private static byte[] kconfigBytes(LoadPlan plan) {
        int size = 0;
        for (LoadPlan.MapPlan m : plan.maps()) {
            if (m.name().equals(".kconfig")) {
                size = m.spec().valueSize();
            }
        }
        byte[] out = new byte[size];
        if (plan.kconfig().isEmpty()) {
            return out;
        }
        Kconfig k = plan.kconfig().stream()
                        .allMatch(v -> VirtualExterns.isVirtual(v.extern().name()))
                ? Kconfig.parse("", "(not needed)")
                : Kconfig.running();
        for (LoadPlan.KconfigVar v : plan.kconfig()) {
            byte[] val = k.encode(v.extern());
            System.arraycopy(val, 0, out, v.offset(), val.length);
        }
        return out;
    }

    /** Puts inner maps into map-in-map slots and programs into program arrays. */
    private static void fillSlots(LoadPlan plan, Map<String, BpfMap> maps, Map<String, Program> programs) {
        for (LoadPlan.MapPlan m : plan.maps()) {
            if (m.spec().type() == MapType.STRUCT_OPS) {
                continue; // its slots are members, filled at registration (StructOpsLayout)
            }
            for (Map.Entry<Integer, String> slot : m.initialSlots().entrySet()) {
                int fd;
                if (m.spec().type() == MapType.PROG_ARRAY) {
                    Program p = programs.get(slot.getValue());
                    if (p == null) {
                        continue; // autoload off: the slot stays empty, as in libbpf
                    }
                    fd = p.fd();
                } else {
                    BpfMap inner = maps.get(slot.getValue());
                    if (inner == null) {
                        throw new BpfException("map \"" + m.name() + "\" slot " + slot.getKey() + " names map \""
                                + slot.getValue() + "\", which the object does not have");
                    }
                    fd = inner.fd();
                }
                byte[] key = intBytes(slot.getKey());
                maps.get(m.name()).update(key, intBytes(fd), UpdateFlag.ANY);
            }
        }
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    // ---- instructions ------------------------------------------------------------------------

    @SuppressWarnings("IfChainToSwitch") // a type switch spins a class at start-up; see below
    private static Map<String, List<Instruction>> rewrite(LoadPlan plan, Map<String, BpfMap> maps) {
        Map<String, Ksyms.Resolution> ksyms =
                plan.ksyms().isEmpty() ? Map.of() : Ksyms.resolve(KernelTypes.vmlinux(), plan.ksyms());
        Map<String, List<Instruction>> out = new LinkedHashMap<>();
        Map<String, Map<Integer, Integer>> slotIndex = new HashMap<>();
        plan.code().forEach((section, insns) -> {
            out.put(section, new ArrayList<>(insns));
            slotIndex.put(section, slotToIndex(insns));
        });
        for (LoadPlan.Reference ref : plan.references()) {
            List<Instruction> insns = out.get(ref.section());
            if (insns == null) {
                throw new BpfException("object \"" + plan.objectName() + "\": a relocation points into section "
                        + ref.section() + ", which has no code");
            }
            Integer index = slotIndex.get(ref.section()).get(ref.slot());
            if (index == null) {
                throw new BpfException("object \"" + plan.objectName() + "\": relocation at " + ref.section() + "+"
                        + ref.slot() * 8 + " is not at an instruction start");
            }
            Instruction insn = insns.get(index);
            // instanceof, not a pattern switch: each type switch spins a class at its first run, which
            // a short-lived tool pays at start-up and the AOT cache does not keep.
            Instruction patched;
            if (ref instanceof LoadPlan.MapRef m) {
                requireLdImm64(plan, ref, insn);
                patched = new Instruction(
                        insn.opcode(),
                        insn.dst(),
                        Opcodes.PSEUDO_MAP_FD,
                        (short) 0,
                        mapFd(plan, maps, m.map()) & 0xffff_ffffL);
            } else if (ref instanceof LoadPlan.MapValueRef m) {
                requireLdImm64(plan, ref, insn);
                patched = new Instruction(
                        insn.opcode(),
                        insn.dst(),
                        Opcodes.PSEUDO_MAP_VALUE,
                        (short) 0,
                        (mapFd(plan, maps, m.map()) & 0xffff_ffffL) | ((long) m.offset() << 32));
            } else if (ref instanceof LoadPlan.CallRef) {
                patched = insn.withSrc(Opcodes.PSEUDO_CALL); // offset fixed by the linker
            } else if (ref instanceof LoadPlan.FuncRef) {
                patched = insn.withSrc(Opcodes.PSEUDO_FUNC);
            } else if (ref instanceof LoadPlan.KsymRef k) {
                patched = Ksyms.patch(insn, k.name(), ksyms.get(k.name()));
            } else {
                throw new IllegalStateException("a reference of unknown kind: " + ref);
            }
            insns.set(index, patched);
        }
        if (!plan.core().isEmpty()) {
            CoreTypes local = io.bpf4j.btf.Btf.parse(plan.btf());
            CoreRelocator core = new CoreRelocator(local, KernelTypes.vmlinux());
            for (Map.Entry<String, List<CoreRelocation>> e : plan.core().entrySet()) {
                List<Instruction> insns = out.get(e.getKey());
                if (insns != null) {
                    out.put(e.getKey(), core.apply(e.getKey(), insns, e.getValue()));
                }
            }
        }
        return out;
    }

    private static void requireLdImm64(LoadPlan plan, LoadPlan.Reference ref, Instruction insn) {
        if (!insn.isLoadImm64()) {
            throw new BpfException("object \"" + plan.objectName() + "\": the map reference at " + ref.section() + "+"
                    + ref.slot() * 8 + " is on " + insn + ", not an lddw");
        }
    }

    private static int mapFd(LoadPlan plan, Map<String, BpfMap> maps, String name) {
        BpfMap m = maps.get(name);
        if (m == null) {
            throw new BpfException("object \"" + plan.objectName() + "\" refers to map \"" + name
                    + "\", which it does not define; its maps are " + maps.keySet());
        }
        return m.fd();
    }

    private static Map<Integer, Integer> slotToIndex(List<Instruction> insns) {
        Map<Integer, Integer> m = new HashMap<>();
        int slot = 0;
        for (int i = 0; i < insns.size(); i++) {
            m.put(slot, i);
            slot += insns.get(i).slots();
        }
        return m;
    }

    // ---- programs ----------------------------------------------------------------------------

    private static Map<String, Program> loadPrograms(
            LoadPlan plan,
            Options options,
            Map<String, List<Instruction>> code,
            OptionalInt btfFd,
            Map<String, StructOpsLayout> structOps,
            Rollback made) {
        Map<String, List<Linker.CodeRef>> calls = Linker.bySection(plan.codeRefs());
        Map<String, Linker.SlotIndex> index = Linker.index(code);
        Map<String, Program> programs = new LinkedHashMap<>();
        for (LoadPlan.ProgramPlan pp : plan.programs()) {
            if (!pp.autoload() || !StructOpsMaps.wanted(pp.spec(), structOps)) {
                continue;
            }
            Linker.Linked<ProgramBtf.FuncInfo, ProgramBtf.LineInfo> linked = Linker.link(
                    code,
                    index,
                    plan.functions(),
                    calls,
                    pp.entry(),
                    btfFd.isPresent() ? plan.funcInfos() : List.of(),
                    btfFd.isPresent() ? plan.lineInfos() : List.of());
            ProgramSpec spec =
                    pp.spec().toBuilder().instructions(linked.instructions()).build();
            if (spec.attachType().isPresent()
                    && AttachTargets.needsBtfId(spec.attachType().get())
                    && spec.attachBtfId() == 0) {
                spec = spec.toBuilder()
                        .attachBtfId(AttachTargets.resolve(
                                KernelTypes.vmlinux(), spec.attachType().get(), spec.attachTo()))
                        .build();
            }
            Program extensionTarget = null;
            if (spec.type() == ProgramType.EXT) {
                extensionTarget = options.extensionTargets().get(spec.name());
                if (extensionTarget == null) {
                    throw new IllegalArgumentException("freplace program \"" + spec.name() + "\" replaces function \""
                            + spec.attachTo() + "\" of a loaded program: name that program with"
                            + " ObjectOptions.withExtensionTarget(\"" + spec.name()
                            + "\", target), or set autoload off");
                }
                spec = spec.toBuilder()
                        .attachBtfId(Extensions.targetBtfId(extensionTarget, spec.name(), spec.attachTo()))
                        .build();
            }
            LoadOptions lo = new LoadOptions(pp.logLevel() >= 0 ? pp.logLevel() : options.logLevel());
            io.bpf4j.internal.sys.ProgLoad request = Program.request(spec);
            if (btfFd.isPresent()) {
                ProgramBtf.withExtInfo(request, btfFd.getAsInt(), linked.funcInfos(), linked.lineInfos());
            }
            if (extensionTarget != null) {
                request.attachProgFd(extensionTarget.fd());
            }
            StructOpsMaps.attachFields(spec, structOps, request);
            try {
                programs.put(pp.spec().name(), made.add(Program.load(spec, lo, request)));
            } catch (VerifierException e) {
                throw VerifierSource.withSource(e, pp.spec().name(), sourceLines(plan, linked.lineInfos()));
            }
        }
        return programs;
    }

    private static List<SourceLine> sourceLines(LoadPlan plan, List<Linker.Placed<ProgramBtf.LineInfo>> lines) {
        if (lines.isEmpty() || plan.btf().length == 0) {
            return List.of();
        }
        io.bpf4j.btf.Btf btf = io.bpf4j.btf.Btf.parse(plan.btf());
        List<SourceLine> out = new ArrayList<>();
        for (Linker.Placed<ProgramBtf.LineInfo> l : lines) {
            out.add(new SourceLine(
                    l.slot(),
                    btf.string(l.record().fileNameOff()),
                    l.record().line(),
                    l.record().column(),
                    btf.string(l.record().lineOff())));
        }
        return out;
    }
}
