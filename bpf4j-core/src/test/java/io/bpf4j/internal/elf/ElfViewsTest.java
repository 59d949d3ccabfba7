package io.bpf4j.internal.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.ObjectFormatException;
import io.bpf4j.testing.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link ElfFile} and {@link ElfBinary} are two views of one reader: over the same file they must agree. */
class ElfViewsTest {
    @Test
    void aBpfObjectReadsTheSameThroughBothViews() throws Exception {
        Path obj = Kernel.bpfObject("load_core_exec");
        byte[] raw = Files.readAllBytes(obj);
        ElfFile object = ElfFile.readBpfObject(obj.toString(), raw);
        ElfBinary binary = ElfBinary.read(obj.toString(), raw);
        assertEquals(ElfBinary.ET_REL, binary.elfType());
        assertEquals(ElfFile.EM_BPF, binary.machine());
        int checked = 0;
        for (ElfFile.Symbol s : object.symbols()) {
            if (s.type() != ElfFile.STT_FUNC || s.section().isEmpty()) {
                continue;
            }
            ElfBinary.Symbol b = binary.symbol(s.name()).orElseThrow();
            assertEquals(s.value(), b.value(), s.name());
            assertEquals(s.size(), b.size(), s.name());
            // The uprobe view's file offset points at the function's first instruction, which the
            // object view holds as the section's bytes at the symbol's value.
            long at = binary.fileOffsetOfSymbol(s.name()).orElseThrow();
            byte[] viaOffset = Arrays.copyOfRange(raw, (int) at, (int) at + 8);
            byte[] viaSection = Arrays.copyOfRange(object.data(s.section()), (int) s.value(), (int) s.value() + 8);
            assertArrayEquals(viaSection, viaOffset, s.name());
            checked++;
        }
        assertTrue(checked > 0, "the object has functions");
    }

    @Test
    void aUserBinaryIsRefusedAsABpfObjectButReadAsABinary() throws Exception {
        Path bin = Path.of("/bin/true");
        byte[] raw = Files.readAllBytes(bin);
        ObjectFormatException e =
                assertThrows(ObjectFormatException.class, () -> ElfFile.readBpfObject(bin.toString(), raw));
        assertTrue(e.getMessage().contains("not BPF"), e.getMessage());
        ElfBinary b = ElfBinary.read(bin.toString(), raw);
        assertTrue(b.segments().stream().anyMatch(s -> s.type() == ElfBinary.PT_LOAD));
        ElfBinary opened = ElfBinary.open(bin);
        assertEquals(b.segments(), opened.segments(), "reading ranges from the file equals reading the whole array");
    }
}
