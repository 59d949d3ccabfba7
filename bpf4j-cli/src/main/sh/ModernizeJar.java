import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites the classes of a jar compiled for Java 5 (class-file version 49) as Java 17 classes
 * (version 61) with stack maps, so that JDK 25's AOT cache can keep them.
 *
 * <p>Why: picocli ships as Java 5 classes for compatibility. HotSpot verifies such classes with the
 * old type-inferencing verifier, and the AOT cache refuses them ("Skipping picocli/...: Old class
 * has been linked"), so every start of the bpf4j command loaded, parsed and verified about 230
 * picocli classes from the jar: about 80 ms of a 220 ms {@code bpf4j prog list}. Rewritten with
 * stack maps (the class-file API computes them), they verify with the split verifier and the
 * AOT cache maps them like our own classes. The bytecode itself is unchanged.
 *
 * <p>Run at package time by package.sh with the JDK's source launcher: {@code java
 * ModernizeJar.java IN.jar OUT.jar}. Classes already at version 50 or newer are copied as they
 * are; so are resources.
 */
public final class ModernizeJar {
    private static final int TARGET_MAJOR = ClassFile.JAVA_17_VERSION;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java ModernizeJar.java IN.jar OUT.jar");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        int rewritten = 0;
        try (JarFile jar = new JarFile(in.toFile());
                URLClassLoader loader = new URLClassLoader(
                        new URL[] {in.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                JarOutputStream os = new JarOutputStream(Files.newOutputStream(tmp))) {
            // Stack maps need the common super class of merged types: resolve the jar's own classes
            // from the jar, the JDK's from the JDK.
            ClassHierarchyResolver resolver = ClassHierarchyResolver.ofResourceParsing(loader)
                    .orElse(ClassHierarchyResolver.defaultResolver());
            ClassFile classFile = ClassFile.of(
                    ClassFile.ClassHierarchyResolverOption.of(resolver), ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            var entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (var is = jar.getInputStream(entry)) {
                    bytes = is.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
                    var model = classFile.parse(bytes);
                    if (model.majorVersion() < ClassFile.JAVA_6_VERSION) {
                        bytes = classFile.transformClass(model, upgrade());
                        rewritten++;
                    }
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                os.putNextEntry(copy);
                os.write(bytes);
                os.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ModernizeJar: " + rewritten + " classes of " + in.getFileName() + " now version "
                + TARGET_MAJOR);
    }

    /** New version number, and every method body rebuilt so that the stack maps get generated. */
    private static ClassTransform upgrade() {
        ClassTransform version = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(TARGET_MAJOR, 0);
            } else {
                builder.with(element);
            }
        };
        // Not CodeTransform.ACCEPT_ALL: an untouched body is copied as it is, without stack maps.
        CodeTransform rebuild = (code, element) -> code.with(element);
        return version.andThen(ClassTransform.transformingMethodBodies(rebuild));
    }
}
