package io.bpf4j.perf;

import io.bpf4j.codec.Codec;
import java.util.function.Consumer;

/**
 * A {@link SampleHandler} that decodes each perf sample with a codec after checking its length.
 * The kernel pads a sample so that it and its 4-byte size end on 8 bytes: a sample of a struct
 * of {@code n} bytes is {@code n} to {@code n + 7} bytes long. Anything else is an
 * {@link IllegalArgumentException} naming both sizes.
 *
 * <pre>{@code
 * perf.subscribe(SampleDecoder.of(ObjectTypes.struct(obj, "event"), System.out::println), Throwable::printStackTrace);
 * }</pre>
 */
public final class SampleDecoder {
    private SampleDecoder() {}

    /**
     * Decodes samples of {@code codec.size()} bytes (and the kernel's padding) into {@code sink}.
     *
     * @param <T> the decoded type
     * @param codec decodes each record
     * @param sink receives the decoded values, in order
     * @return the handler
     */
    public static <T> SampleHandler of(Codec<T> codec, Consumer<? super T> sink) {
        int size = codec.size();
        return (cpu, sample) -> {
            long n = sample.byteSize();
            if (n < size || n > size + 7) {
                throw new IllegalArgumentException("perf sample of " + n + " bytes on CPU " + cpu + ", the codec ("
                        + codec + ") reads " + size + " (up to 7 bytes of padding allowed)");
            }
            sink.accept(codec.decode(sample, 0));
        };
    }
}
