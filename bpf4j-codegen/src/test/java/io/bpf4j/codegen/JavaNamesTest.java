package io.bpf4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** C names to Java names, and back as the record binder matches them. */
class JavaNamesTest {
    @Test
    void membersAreCamelCaseWhenTheBinderMatchesThemBack() {
        Set<String> used = new HashSet<>();
        assertEquals("prevPid", JavaTypes.componentName("prev_pid", used));
        assertEquals("comm", JavaTypes.componentName("comm", used));
        assertEquals("__pad", JavaTypes.componentName("__pad", used), "\"pad\" would not match __pad");
        assertEquals("SIZE", JavaTypes.componentName("SIZE", used));
        assertEquals("srcIp6", JavaTypes.componentName("src_ip6", used));
        assertNull(JavaTypes.componentName("class", used), "a keyword cannot be a component the binder matches");
        assertNull(JavaTypes.componentName("toString", used), "a record's own method");
        assertNull(JavaTypes.componentName("comm", used), "taken");
    }

    @Test
    void typesAndSkeletonsArePascalCase() {
        assertEquals("TaskInfo", JavaNames.type("task_info"));
        assertEquals("ExecKeyT", JavaNames.type("exec_key_t"));
        assertEquals("Data", JavaNames.type(".data"));
        assertEquals("RodataStr11", JavaNames.type(".rodata.str1.1"));
        assertEquals("_4kPage", JavaNames.type("4k_page"));
        assertEquals("Execsnoop", JavaNames.skeleton("/tmp/x/execsnoop.bpf.o"));
        assertEquals("TcpRtt", JavaNames.skeleton("tcp-rtt.bpf.o"));
        assertEquals("new_", JavaNames.member("new"));
    }
}
