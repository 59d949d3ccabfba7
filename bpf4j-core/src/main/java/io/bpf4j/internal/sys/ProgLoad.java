package io.bpf4j.internal.sys;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * BPF_PROG_LOAD's arguments, and the one function that sends them ({@link #call}) through the
 * {@link Attr.ProgLoad} layout, with the object's func_info and line_info records laid out by
 * {@link #FUNC_INFO} and {@link #LINE_INFO} ({@code struct bpf_func_info}, {@code struct
 * bpf_line_info}). Fields left unset stay 0 in the attr, as the kernel wants for "none". The
 * caller keeps the policy (when to ask for a verifier log, how to word a failure).
 *
 * <pre>{@code
 * ProgLoad load = new ProgLoad(progType, code, "GPL").name("xdp_pass");
 * ProgLoad.Result r = load.call(0, 0);
 * }</pre>
 */
public final class ProgLoad {
    /** {@code struct bpf_func_info}: the first instruction (in slots) of a function and its BTF FUNC id. */
    public static final StructLayout FUNC_INFO =
            MemoryLayout.structLayout(JAVA_INT.withName("insn_off"), JAVA_INT.withName("type_id"));

    /** {@code struct bpf_line_info}: an instruction and its source line (string offsets into the BTF). */
    public static final StructLayout LINE_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("insn_off"),
            JAVA_INT.withName("file_name_off"),
            JAVA_INT.withName("line_off"),
            JAVA_INT.withName("line_col"));

    private static final long FUNC_INSN_OFF = off(FUNC_INFO, "insn_off");
    private static final long FUNC_TYPE_ID = off(FUNC_INFO, "type_id");
    private static final long LINE_INSN_OFF = off(LINE_INFO, "insn_off");
    private static final long LINE_FILE_NAME_OFF = off(LINE_INFO, "file_name_off");
    private static final long LINE_LINE_OFF = off(LINE_INFO, "line_off");
    private static final long LINE_LINE_COL = off(LINE_INFO, "line_col");

    private static long off(StructLayout l, String field) {
        return l.byteOffset(groupElement(field));
    }

    private final int type;
    private final byte[] code;
    private final String license;
    private String name = "";
    private int kernVersion;
    private int flags;
    private int expectedAttachType;
    private int attachBtfId;
    private int attachProgFd;
    private int btfFd;
    private int[] funcInfo = new int[0];
    private int[] lineInfo = new int[0];

    /**
     * A load of {@code code} (encoded instructions, 8 bytes a slot) as a program of {@code type}
     * under {@code license}.
     */
    public ProgLoad(int type, byte[] code, String license) {
        this.type = type;
        this.code = code;
        this.license = license;
    }

    /** The program's name (sanitized and cut as the kernel accepts it); empty for none. */
    public ProgLoad name(String newName) {
        this.name = newName;
        return this;
    }

    /** {@code kern_version} (kprobe programs of kernels before 5.0 checked it). */
    public ProgLoad kernVersion(int version) {
        this.kernVersion = version;
        return this;
    }

    /** {@code prog_flags}. */
    public ProgLoad flags(int newFlags) {
        this.flags = newFlags;
        return this;
    }

    /** {@code expected_attach_type} (for struct_ops programs: the member index). */
    public ProgLoad expectedAttachType(int t) {
        this.expectedAttachType = t;
        return this;
    }

    /** {@code attach_btf_id}: the BTF id of the attach target. */
    public ProgLoad attachBtfId(int id) {
        this.attachBtfId = id;
        return this;
    }

    /** {@code attach_prog_fd}: the program an freplace program replaces a function of. */
    public ProgLoad attachProgFd(int fd) {
        this.attachProgFd = fd;
        return this;
    }

    /**
     * The object's BTF ({@code prog_btf_fd}) and the program's func_info and line_info records:
     * {@code funcInfo} holds pairs (insn_off, type_id), {@code lineInfo} quadruples (insn_off,
     * file_name_off, line_off, line_col), positions in slots of the loaded program.
     */
    public ProgLoad btf(int fd, int[] funcInfo, int[] lineInfo) {
        if (funcInfo.length % 2 != 0 || lineInfo.length % 4 != 0) {
            throw new IllegalArgumentException("func_info takes pairs and line_info quadruples of ints; got "
                    + funcInfo.length + " and " + lineInfo.length);
        }
        this.btfFd = fd;
        this.funcInfo = funcInfo; // internal: taken as they are, not copied
        this.lineInfo = lineInfo;
        return this;
    }

    /** The kernel's answer to one BPF_PROG_LOAD. */
    public record Result(long fdOrNegErrno, String log, int logTrueSize) {}

    /**
     * Sends BPF_PROG_LOAD, with a verifier log of {@code logSize} bytes at {@code logLevel} when
     * {@code logSize > 0}; returns the new program's fd (or the negated errno), the log's text and
     * the size the kernel says the whole log needs.
     */
    public Result call(int logLevel, int logSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, JAVA_BYTE, 0, code.length);
            MemorySegment attr = Scratch.get().attr(Attr.ProgLoad.SIZE);
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_TYPE, type);
            attr.set(JAVA_INT, Attr.ProgLoad.INSN_CNT, code.length / 8);
            attr.set(JAVA_LONG, Attr.ProgLoad.INSNS, insns.address());
            attr.set(
                    JAVA_LONG,
                    Attr.ProgLoad.LICENSE,
                    arena.allocateFrom(license).address());
            attr.set(JAVA_INT, Attr.ProgLoad.KERN_VERSION, kernVersion);
            attr.set(JAVA_INT, Attr.ProgLoad.PROG_FLAGS, flags);
            attr.set(JAVA_INT, Attr.ProgLoad.EXPECTED_ATTACH_TYPE, expectedAttachType);
            attr.set(JAVA_INT, Attr.ProgLoad.ATTACH_BTF_ID, attachBtfId);
            attr.set(JAVA_INT, Attr.ProgLoad.ATTACH_PROG_FD, attachProgFd);
            if (!name.isEmpty()) {
                Bpf.putObjectName(attr, Attr.ProgLoad.PROG_NAME, name);
            }
            if (btfFd > 0) {
                attr.set(JAVA_INT, Attr.ProgLoad.PROG_BTF_FD, btfFd);
                writeFuncInfo(arena, attr);
                writeLineInfo(arena, attr);
            }
            Tokens.onProgLoad(attr); // an object load's BPF token, if it has one
            MemorySegment log = MemorySegment.NULL;
            if (logSize > 0) {
                log = arena.allocate(logSize);
                attr.set(JAVA_INT, Attr.ProgLoad.LOG_LEVEL, logLevel);
                attr.set(JAVA_INT, Attr.ProgLoad.LOG_SIZE, logSize);
                attr.set(JAVA_LONG, Attr.ProgLoad.LOG_BUF, log.address());
            }
            long r = Bpf.call(BpfCmd.PROG_LOAD, attr, Attr.ProgLoad.SIZE);
            String text = logSize > 0 ? log.getString(0) : "";
            return new Result(r, text, attr.get(JAVA_INT, Attr.ProgLoad.LOG_TRUE_SIZE));
        }
    }

    private void writeFuncInfo(Arena arena, MemorySegment attr) {
        int n = funcInfo.length / 2;
        if (n == 0) {
            return;
        }
        long size = FUNC_INFO.byteSize();
        MemorySegment f = arena.allocate(FUNC_INFO, n);
        for (int i = 0; i < n; i++) {
            f.set(JAVA_INT, size * i + FUNC_INSN_OFF, funcInfo[2 * i]);
            f.set(JAVA_INT, size * i + FUNC_TYPE_ID, funcInfo[2 * i + 1]);
        }
        attr.set(JAVA_INT, Attr.ProgLoad.FUNC_INFO_REC_SIZE, (int) size);
        attr.set(JAVA_LONG, Attr.ProgLoad.FUNC_INFO, f.address());
        attr.set(JAVA_INT, Attr.ProgLoad.FUNC_INFO_CNT, n);
    }

    private void writeLineInfo(Arena arena, MemorySegment attr) {
        int n = lineInfo.length / 4;
        if (n == 0) {
            return;
        }
        long size = LINE_INFO.byteSize();
        MemorySegment l = arena.allocate(LINE_INFO, n);
        for (int i = 0; i < n; i++) {
            l.set(JAVA_INT, size * i + LINE_INSN_OFF, lineInfo[4 * i]);
            l.set(JAVA_INT, size * i + LINE_FILE_NAME_OFF, lineInfo[4 * i + 1]);
            l.set(JAVA_INT, size * i + LINE_LINE_OFF, lineInfo[4 * i + 2]);
            l.set(JAVA_INT, size * i + LINE_LINE_COL, lineInfo[4 * i + 3]);
        }
        attr.set(JAVA_INT, Attr.ProgLoad.LINE_INFO_REC_SIZE, (int) size);
        attr.set(JAVA_LONG, Attr.ProgLoad.LINE_INFO, l.address());
        attr.set(JAVA_INT, Attr.ProgLoad.LINE_INFO_CNT, n);
    }
}
