package io.bpf4j.internal.sys;

import java.util.ArrayDeque;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** A blocking, ordered stream over an event reader: each pull polls until a value is ready or the reader closes. */
public final class PolledStream {
    private PolledStream() {}

    /**
     * A lazy stream over what a reader's polls decode, ending when the reader closes.
     *
     * @param readerClosed true once the reader is closed: the stream then ends
     * @param pollInto one bounded poll that hands every value it decodes to the given sink
     */
    public static <T> Stream<T> of(BooleanSupplier readerClosed, Consumer<Consumer<T>> pollInto) {
        ArrayDeque<T> ready = new ArrayDeque<>();
        Spliterator<T> values =
                new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
                    @Override
                    public boolean tryAdvance(Consumer<? super T> action) {
                        while (ready.isEmpty()) {
                            if (readerClosed.getAsBoolean()) {
                                return false;
                            }
                            pollInto.accept(ready::add);
                        }
                        action.accept(ready.poll());
                        return true;
                    }
                };
        return StreamSupport.stream(values, false);
    }
}
