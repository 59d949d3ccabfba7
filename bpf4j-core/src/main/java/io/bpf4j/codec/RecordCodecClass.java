package io.bpf4j.codec;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Spins, per record layout, a hidden subclass of {@link RecordCodec} whose {@code decode} loads the
 * combined decoding handle from its class data. A handle in an instance field is opaque to the JIT
 * (it is called, not inlined); one loaded by {@code ldc} of a class-data constant is a constant,
 * so the field reads and the record constructor inline into the caller as if written by hand.
 * Both {@code decode} descriptors (the erased {@code Record} one and the {@code Object} bridge of
 * {@link Codec}) are overridden, so no shared bridge call site mixes the types of several codecs.
 */
final class RecordCodecClass {
    private static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    private static final ClassDesc CD_CODEC = ClassDesc.of(RecordCodec.class.getName());
    private static final ClassDesc CD_PARTS = ClassDesc.of(RecordCodec.Parts.class.getName());
    private static final ClassDesc CD_RECORD = ClassDesc.of(Record.class.getName());
    private static final MethodTypeDesc INVOKE =
            MethodTypeDesc.of(ConstantDescs.CD_Object, CD_SEGMENT, ConstantDescs.CD_long);

    private RecordCodecClass() {}

    /** A new codec of a spun subclass; falls back to the plain class if spinning is refused. */
    static <R extends Record> RecordCodec<R> instantiate(RecordCodec.Parts parts) {
        byte[] bytes = spin(ClassDesc.of(
                RecordCodec.class.getPackageName(),
                "RecordCodec$" + parts.type().getSimpleName()));
        try {
            Class<?> spun = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(
                            bytes, parts.decoder(), true, MethodHandles.Lookup.ClassOption.NESTMATE)
                    .lookupClass();
            MethodHandle ctor = MethodHandles.lookup()
                    .findConstructor(spun, MethodType.methodType(void.class, RecordCodec.Parts.class));
            @SuppressWarnings("unchecked")
            RecordCodec<R> codec = (RecordCodec<R>) ctor.invoke(parts);
            return codec;
        } catch (Throwable t) {
            System.getLogger(RecordCodec.class.getName())
                    .log(
                            System.Logger.Level.DEBUG,
                            "record decoder class not spun, decoding through a method handle: " + t);
            return new RecordCodec<>(parts);
        }
    }

    private static byte[] spin(ClassDesc name) {
        DynamicConstantDesc<MethodHandle> handle = DynamicConstantDesc.ofNamed(
                ConstantDescs.BSM_CLASS_DATA, ConstantDescs.DEFAULT_NAME, ConstantDescs.CD_MethodHandle);
        return ClassFile.of().build(name, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withSuperclass(CD_CODEC);
            cb.withMethodBody(
                    ConstantDescs.INIT_NAME, MethodTypeDesc.of(ConstantDescs.CD_void, CD_PARTS), 0, code -> code.aload(
                                    0)
                            .aload(1)
                            .invokespecial(
                                    CD_CODEC,
                                    ConstantDescs.INIT_NAME,
                                    MethodTypeDesc.of(ConstantDescs.CD_void, CD_PARTS))
                            .return_());
            for (ClassDesc ret : new ClassDesc[] {CD_RECORD, ConstantDescs.CD_Object}) {
                cb.withMethodBody(
                        "decode",
                        MethodTypeDesc.of(ret, CD_SEGMENT, ConstantDescs.CD_long),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        code -> code.ldc(handle)
                                .aload(1)
                                .lload(2)
                                .invokevirtual(ConstantDescs.CD_MethodHandle, "invokeExact", INVOKE)
                                .checkcast(CD_RECORD)
                                .areturn());
            }
        });
    }
}
