package io.bpf4j;

import io.bpf4j.codec.BtfCodec;
import io.bpf4j.codec.BtfCodecs;
import io.bpf4j.codec.Codec;
import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A typed handle on an LPM_TRIE map (the kind is checked). Keys are {@link LpmKey}s (prefix length
 * in bits and the data bytes), made from addresses ({@link LpmKey#of}), or strings: a string key
 * is its bytes (each character one byte, ISO-8859-1) with a prefix of all of them, as yeet:bpf
 * takes string keys. A lookup returns the value of the longest matching prefix.
 *
 * <pre>{@code
 * TypedLpmTrie<Object> routes = TypedLpmTrie.of(obj.map("routes"));
 * routes.update(LpmKey.of(InetAddress.getByName("10.0.0.0"), 8), 1L);
 * routes.lookup(InetAddress.getByName("10.1.2.3"));   // the /8's value
 * }</pre>
 *
 * @param <V> value type
 */
public final class TypedLpmTrie<V> {
    private final TypedMap<LpmKey, V> map;
    private final int dataSize;

    private TypedLpmTrie(BpfMap raw, Codec<V> values) {
        this.dataSize = raw.keySize() - 4;
        if (dataSize <= 0) {
            throw new IllegalArgumentException(raw.what() + ": LPM keys of " + raw.keySize() + " bytes hold no data");
        }
        this.map = TypedMap.of(raw, LpmKey.codec(dataSize), values);
    }

    /** Values typed dynamically from the map's BTF. */
    public static TypedLpmTrie<Object> of(BpfMap map) {
        MapKinds.require(map, "TypedLpmTrie", MapType.LPM_TRIE);
        return new TypedLpmTrie<>(map, BtfCodec.of(MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values of a Java type checked against the map's BTF. */
    public static <V> TypedLpmTrie<V> of(BpfMap map, MethodHandles.Lookup lookup, Class<V> value) {
        MapKinds.require(map, "TypedLpmTrie", MapType.LPM_TRIE);
        return new TypedLpmTrie<>(map, BtfCodecs.of(lookup, value, MapBtf.requireValue(map, MapBtf.of(map))));
    }

    /** Values through a codec. */
    public static <V> TypedLpmTrie<V> of(BpfMap map, Codec<V> value) {
        MapKinds.require(map, "TypedLpmTrie", MapType.LPM_TRIE);
        return new TypedLpmTrie<>(map, value);
    }

    /** The key of a string: its bytes, zero-padded, with a prefix of all of them. */
    public LpmKey key(String s) {
        byte[] data = new byte[dataSize];
        if (s.length() > dataSize) {
            throw new IllegalArgumentException(map.raw().what() + ": string key of " + s.length()
                    + " characters, the trie's keys hold " + dataSize + " bytes");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("string key \"" + s + "\": character " + i
                        + " is not one byte (ISO-8859-1); use an LpmKey of the bytes");
            }
            data[i] = (byte) c;
        }
        return new LpmKey(8 * s.length(), data);
    }

    /** The value of the longest prefix matching {@code key}. */
    public Optional<V> lookup(LpmKey key) {
        return map.get(key);
    }

    /** The value of the longest prefix matching the whole address (a /32 or /128 lookup). */
    public Optional<V> lookup(InetAddress address) {
        return map.get(LpmKey.host(address));
    }

    /** The value of the longest prefix matching the string's bytes. */
    public Optional<V> lookup(String key) {
        return map.get(key(key));
    }

    /** Inserts or replaces the prefix. */
    public void update(LpmKey key, V value) {
        map.put(key, value);
    }

    /** Inserts or replaces a string prefix. */
    public void update(String key, V value) {
        map.put(key(key), value);
    }

    /** Inserts or replaces the network {@code address/prefixLength}. */
    public void update(InetAddress address, int prefixLength, V value) {
        map.put(LpmKey.of(address, prefixLength), value);
    }

    /** Deletes exactly this prefix; false when absent. */
    public boolean delete(LpmKey key) {
        return map.remove(key);
    }

    /** Deletes a string prefix. */
    public boolean delete(String key) {
        return map.remove(key(key));
    }

    /** Every prefix and value. */
    public Stream<Map.Entry<LpmKey, V>> entries() {
        return map.entries();
    }

    /** What the kernel says about the map. */
    public MapInfo info() {
        return map.raw().info();
    }
}
