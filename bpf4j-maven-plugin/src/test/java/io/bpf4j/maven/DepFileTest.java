package io.bpf4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepFileTest {
    @Test
    void readsClangsMakeRuleWithContinuationsEscapesAndRelativePaths() {
        String rule = "/p/target/classes/bpf/a.bpf.o.tmp: /p/src/main/bpf/a.bpf.c \\\n"
                + "  /usr/include/linux/bpf.h src/main/bpf/my\\ dir/common.h \\\n"
                + "  /p/cost$$.h\n";
        assertEquals(
                List.of(
                        Path.of("/p/src/main/bpf/a.bpf.c"),
                        Path.of("/usr/include/linux/bpf.h"),
                        Path.of("/base/src/main/bpf/my dir/common.h"),
                        Path.of("/p/cost$.h")),
                DepFile.parse(rule, Path.of("/base")));
    }

    @Test
    void aRuleWithoutPrerequisitesHasNone() {
        assertEquals(List.of(), DepFile.parse("x.o:\n", Path.of("/")));
        assertEquals(List.of(), DepFile.parse("", Path.of("/")));
    }
}
