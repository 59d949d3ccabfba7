package io.bpf4j.btf;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Section sizes and symbol offsets of a clang object, read with llvm-readelf-16 (test-only stand-in for the ELF reader). */
record ElfLayout(Map<String, Long> sectionSizes, Map<String, Map<String, Long>> varOffsets) {
    private static final Pattern SECTION =
            Pattern.compile("^\\s*\\[\\s*(\\d+)]\\s+(\\S+)\\s+\\S+\\s+[0-9a-f]+\\s+[0-9a-f]+\\s+([0-9a-f]+)\\s.*");
    private static final Pattern SYMBOL =
            Pattern.compile("^\\s*\\d+:\\s+([0-9a-f]+)\\s+\\d+\\s+OBJECT\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+(\\S+)\\s*$");

    static ElfLayout of(Path object) throws Exception {
        Map<Integer, String> names = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        for (String line : BtfTestFiles.run(List.of("llvm-readelf-16", "-SW", object.toString()))
                .split("\n")) {
            Matcher m = SECTION.matcher(line);
            if (m.matches()) {
                names.put(Integer.parseInt(m.group(1)), m.group(2));
                sizes.put(m.group(2), Long.parseLong(m.group(3), 16));
            }
        }
        Map<String, Map<String, Long>> offsets = new HashMap<>();
        for (String line : BtfTestFiles.run(List.of("llvm-readelf-16", "-sW", object.toString()))
                .split("\n")) {
            Matcher m = SYMBOL.matcher(line);
            if (m.matches() && names.containsKey(Integer.parseInt(m.group(2)))) {
                offsets.computeIfAbsent(names.get(Integer.parseInt(m.group(2))), k -> new HashMap<>())
                        .put(m.group(3), Long.parseLong(m.group(1), 16));
            }
        }
        return new ElfLayout(sizes, offsets);
    }
}
