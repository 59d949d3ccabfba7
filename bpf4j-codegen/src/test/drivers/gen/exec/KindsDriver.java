package gen.exec;

import io.bpf4j.ObjectSpec;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes values of every generated kind through the typed maps of the skeleton generated from
 * codegen_kinds.bpf.o and reads them back; returns both sides, described deeply, for the test.
 */
public final class KindsDriver implements Function<Path, Map<String, Object>> {
    @Override
    public Map<String, Object> apply(Path object) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (CodegenKinds skel = CodegenKinds.open(ObjectSpec.read(object)).load()) {
            var p = new CodegenKinds.Point(-1, 2);
            var shapes = new CodegenKinds.Shapes(
                    new CodegenKinds.Point[] {p, new CodegenKinds.Point(3, -4)},
                    new long[][] {{1, 2, 3}, {4, 5, 4_000_000_000L}},
                    new String[] {"ab", "cdefghi"},
                    CodegenKinds.Wide.WIDE_BIG,
                    CodegenKinds.OpModeT.MODE_ON,
                    new CodegenKinds.OpModeT[] {CodegenKinds.OpModeT.MODE_OFF, CodegenKinds.OpModeT.MODE_ON},
                    0xdead_beefL,
                    1.5f,
                    new CodegenKinds.StringStruct("label"),
                    new byte[] {1, (byte) 0xff, 3},
                    true);
            skel.shapes().set(1, shapes);
            out.put("shapes.written", describe(shapes));
            CodegenKinds.Shapes read = skel.shapes().get(1);
            out.put("shapes.read", describe(read));
            out.put("shapes.equal", read.equals(shapes) && read.hashCode() == shapes.hashCode());
            out.put("shapes.toString", read.toString());
            out.put("shapes.zero", describe(skel.shapes().get(0)));

            // A union: every component is written, in order, so the last one (f) is what the bytes hold.
            skel.numbers().update(p, new CodegenKinds.Number(12345, 1.5f));
            CodegenKinds.Number n = skel.numbers().lookup(p).orElseThrow();
            out.put("numbers.u", n.u());
            out.put("numbers.f", n.f());

            skel.work().push(new CodegenKinds.Point(7, 8));
            out.put("work.pop", describe(skel.work().pop().orElseThrow()));

            out.put("perCpu.cpus", skel.perCpu().cpuCount() > 0);
            out.put("perCpu[0]", describe(skel.perCpu().get(0L).orElseThrow().get(0)));

            skel.modes().update(5L, CodegenKinds.OpModeT.MODE_ON);
            out.put("modes[5]", skel.modes().lookup(5L).orElseThrow().name());
            out.put("pass", skel.pass().name());
        }
        return out;
    }

    /** Records and arrays as text, deeply (records with arrays compare by identity otherwise). */
    static String describe(Object o) {
        if (o instanceof Record r) {
            StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('(');
            RecordComponent[] cs = r.getClass().getRecordComponents();
            for (int i = 0; i < cs.length; i++) {
                try {
                    sb.append(i == 0 ? "" : ", ").append(cs[i].getName()).append('=')
                            .append(describe(cs[i].getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sb.append(')').toString();
        }
        if (o instanceof Object[] a) {
            return Arrays.stream(a).map(KindsDriver::describe).toList().toString();
        }
        if (o != null && o.getClass().isArray()) {
            return switch (o) {
                case byte[] b -> Arrays.toString(b);
                case short[] s -> Arrays.toString(s);
                case int[] i -> Arrays.toString(i);
                case long[] l -> Arrays.toString(l);
                default -> List.of(o).toString();
            };
        }
        return String.valueOf(o);
    }
}
