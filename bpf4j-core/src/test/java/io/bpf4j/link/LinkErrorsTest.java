package io.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bpf4j.AttachType;
import io.bpf4j.BpfException;
import io.bpf4j.BpfObject;
import io.bpf4j.NotSupportedException;
import io.bpf4j.testing.Kernel;
import io.bpf4j.testing.KernelFeature;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused BPF_LINK_CREATE is "not supported" only when the kernel's BTF shows it lacks the
 * attach type; any other refusal is the kernel's errno, naming program and target.
 */
class LinkErrorsTest {
    @BeforeAll
    static void root() {
        Kernel.assumeRoot();
    }

    @Test
    void theKernelsBtfSaysWhichAttachTypesItKnows() {
        assertEquals(Optional.of(true), LinkErrors.knowsEnumerator("bpf_attach_type", "BPF_XDP"));
        assertEquals(Optional.of(true), LinkErrors.knowsEnumerator("bpf_cmd", "BPF_LINK_CREATE"));
        assertEquals(Optional.of(false), LinkErrors.knowsEnumerator("bpf_attach_type", "BPF_NO_SUCH_ATTACH_TYPE"));
    }

    @Test
    void aKnownAttachTypeRefusedIsTheKernelsErrnoNotNotSupported() {
        try (BpfObject obj = AttachLanesTest.lanes().load()) {
            BpfException refused = assertThrows(
                    BpfException.class,
                    () -> LinkCreate.create(
                            obj.program("xdp_pass"),
                            1,
                            AttachType.CGROUP_INET_EGRESS,
                            0,
                            "cgroup of fd 1 -> program \"xdp_pass\"",
                            "cgroup links",
                            "5.7"));
            assertFalse(refused instanceof NotSupportedException, refused.toString());
            assertTrue(
                    refused.getMessage()
                            .startsWith("the kernel refused to attach cgroup of fd 1 -> program \"xdp_pass\""),
                    refused.getMessage());
        }
    }

    @Test
    void anAttachTypeNewerThanTheKernelIsNotSupported() {
        Optional<AttachType> newer = Arrays.stream(AttachType.values())
                .filter(t -> LinkErrors.knowsEnumerator("bpf_attach_type", t.kernelName())
                        .equals(Optional.of(false)))
                .findFirst();
        // Needs a kernel older than bpf4j's newest attach type (the newest kernels know them all).
        KernelFeature.assume(
                newer.isPresent(),
                "an attach type bpf4j knows and it does not",
                "its BTF's enum bpf_attach_type has all " + AttachType.values().length + " of bpf4j's");
        try (BpfObject obj = AttachLanesTest.lanes().load()) {
            NotSupportedException e = assertThrows(
                    NotSupportedException.class,
                    () -> LinkCreate.create(
                            obj.program("xdp_pass"), 1, newer.get(), 0, "test", "links of " + newer.get(), "7.0"));
            assertTrue(
                    e.getMessage().contains("the kernel has no " + newer.get().kernelName())
                            && e.getMessage().contains("7.0"),
                    e.getMessage());
        }
    }
}
