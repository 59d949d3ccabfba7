package io.bpf4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetArchTest {
    @Test
    void jvmAndLibbpfNamesGiveLibbpfsMacro() {
        assertEquals("-D__TARGET_ARCH_x86", TargetArch.of("amd64").define());
        assertEquals("-D__TARGET_ARCH_x86", TargetArch.of("x86").define());
        assertEquals("-D__TARGET_ARCH_arm64", TargetArch.of("aarch64").define());
        assertEquals("aarch64-linux-gnu", TargetArch.of("arm64").multiarch());
    }

    @Test
    void anUnknownArchSaysWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetArch.of("vax"));
        assertTrue(e.getMessage().contains("'vax'") && e.getMessage().contains("<targetArch>"), e.getMessage());
    }

    @Test
    void theDefaultPackageIsTheGroupIdMadeJava() {
        assertEquals("com.example.bpf", GenerateMojo.defaultPackage("com.example"));
        assertEquals("io.my_corp._2fa.bpf", GenerateMojo.defaultPackage("io.my-corp.2fa"));
    }
}
