package io.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernel symbol addresses, checked against the file itself. */
class KallsymsTest {
    @Test
    void findsExistingSymbolsAndSkipsMissingOnes() throws Exception {
        Kernel.assumeRoot();
        Map<String, Long> a = Kallsyms.addresses(List.of("bpf_prog_put", "_stext", "no_such_symbol_bpf4j"));
        assertFalse(a.containsKey("no_such_symbol_bpf4j"));
        assertTrue(a.get("bpf_prog_put") != 0L, a.toString());
        String stext = Files.readAllLines(Path.of("/proc/kallsyms")).stream()
                .filter(l -> l.endsWith(" _stext"))
                .findFirst()
                .orElseThrow();
        assertEquals(Long.parseUnsignedLong(stext.substring(0, stext.indexOf(' ')), 16), a.get("_stext"));
    }
}
