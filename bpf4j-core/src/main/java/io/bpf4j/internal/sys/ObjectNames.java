package io.bpf4j.internal.sys;

/**
 * Kernel object names (maps, programs): at most 15 bytes of [A-Za-z0-9_.]. Longer or odd names
 * are cut and cleaned the way libbpf does, so that a name from an ELF object is always accepted.
 */
public final class ObjectNames {
    /** BPF_OBJ_NAME_LEN minus the NUL. */
    public static final int MAX = 15;

    private ObjectNames() {}

    /** The name as the kernel will keep it. */
    public static String sanitize(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX));
        for (int i = 0; i < name.length() && sb.length() < MAX; i++) {
            char c = name.charAt(i);
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return sb.toString();
    }
}
