package io.bpf4j.ringbuf;

import io.bpf4j.codec.Codec;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * A {@link RecordHandler} that decodes each ring record with a codec after checking its length:
 * a record whose length is not the codec's size (a program that emits another struct, or a
 * struct that changed) is an {@link IllegalArgumentException} naming both sizes, never a
 * truncated or over-read value.
 *
 * <pre>{@code
 * rb.poll(Duration.ofSeconds(1), RecordDecoder.of(ObjectTypes.struct(obj, "event"), System.out::println));
 * }</pre>
 */
public final class RecordDecoder {
    private RecordDecoder() {}

    /**
     * Decodes records of exactly {@code codec.size()} bytes into {@code sink}.
     *
     * @param <T> the decoded type
     * @param codec decodes each record
     * @param sink receives the decoded values, in order
     * @return the handler
     */
    public static <T> RecordHandler of(Codec<T> codec, Consumer<? super T> sink) {
        int size = codec.size();
        return rec -> sink.accept(decode(codec, size, rec));
    }

    static <T> T decode(Codec<T> codec, int size, MemorySegment rec) {
        if (rec.byteSize() != size) {
            throw new IllegalArgumentException(
                    "ring record of " + rec.byteSize() + " bytes, the codec (" + codec + ") reads " + size);
        }
        return codec.decode(rec, 0);
    }
}
