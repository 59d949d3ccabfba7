package io.bpf4j.asm;

/** Numbers of commonly used BPF helper functions ({@code enum bpf_func_id}). */
public final class Helpers {
    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int PROBE_READ = 4;
    public static final int KTIME_GET_NS = 5;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int TAIL_CALL = 12;
    public static final int GET_CURRENT_PID_TGID = 14;
    public static final int GET_CURRENT_UID_GID = 15;
    public static final int GET_CURRENT_COMM = 16;
    public static final int PERF_EVENT_OUTPUT = 25;
    public static final int GET_CURRENT_TASK = 35;
    public static final int PROBE_READ_USER = 112;
    public static final int PROBE_READ_KERNEL = 113;
    public static final int PROBE_READ_USER_STR = 114;
    public static final int PROBE_READ_KERNEL_STR = 115;
    public static final int RINGBUF_OUTPUT = 130;
    public static final int RINGBUF_RESERVE = 131;
    public static final int RINGBUF_SUBMIT = 132;
    public static final int RINGBUF_DISCARD = 133;
    public static final int RINGBUF_QUERY = 134;
    public static final int LOOP = 181;

    private Helpers() {
    }
}
