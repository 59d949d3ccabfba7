package io.bpf4j;

import io.bpf4j.codec.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key of an LPM_TRIE map: a prefix length in bits and the address bytes in network order, laid
 * out as the kernel's {@code struct bpf_lpm_trie_key} (u32 prefixlen in host order, then data).
 *
 * <pre>{@code
 * TypedMap<LpmKey, Integer> routes = TypedMap.of(trie, LpmKey.codec(4), Codecs.s32());
 * routes.put(LpmKey.of(InetAddress.getByName("10.0.0.0"), 8), 1);
 * routes.get(LpmKey.host(InetAddress.getByName("10.1.2.3")));   // longest match: 10.0.0.0/8
 * }</pre>
 *
 * @param prefixLength bits of {@code data} that count, 0..8×data.length
 * @param data the address bytes, network order
 */
public record LpmKey(int prefixLength, byte[] data) {
    /** Checks the prefix fits the data. */
    public LpmKey {
        Objects.requireNonNull(data, "data");
        if (prefixLength < 0 || prefixLength > data.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + data.length * 8);
        }
        data = data.clone();
    }

    /** An IPv4 or IPv6 network, e.g. {@code of(10.0.0.0, 8)}. */
    public static LpmKey of(InetAddress address, int prefixLength) {
        return new LpmKey(prefixLength, address.getAddress());
    }

    /** A full-length key for one address (/32 or /128): what a lookup for a host uses. */
    public static LpmKey host(InetAddress address) {
        int bits = address instanceof Inet4Address
                ? 32
                : address instanceof Inet6Address ? 128 : address.getAddress().length * 8;
        return new LpmKey(bits, address.getAddress());
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** A codec for keys with {@code dataSize} bytes of address (4 for IPv4, 16 for IPv6). */
    public static Codec<LpmKey> codec(int dataSize) {
        return new Codec<>() {
            @Override
            public int size() {
                return 4 + dataSize;
            }

            @Override
            public void encode(LpmKey key, MemorySegment out, long offset) {
                if (key.data.length != dataSize) {
                    throw new IllegalArgumentException(
                            "LPM key of " + key.data.length + " data bytes for a trie of " + dataSize);
                }
                out.set(ValueLayout.JAVA_INT_UNALIGNED, offset, key.prefixLength);
                MemorySegment.copy(key.data, 0, out, ValueLayout.JAVA_BYTE, offset + 4, dataSize);
            }

            @Override
            public LpmKey decode(MemorySegment in, long offset) {
                byte[] d = new byte[dataSize];
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, offset + 4, d, 0, dataSize);
                return new LpmKey(in.get(ValueLayout.JAVA_INT_UNALIGNED, offset), d);
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LpmKey k && k.prefixLength == prefixLength && Arrays.equals(k.data, data);
    }

    @Override
    public int hashCode() {
        return prefixLength * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        try {
            if (data.length == 4 || data.length == 16) {
                return InetAddress.getByAddress(data).getHostAddress() + "/" + prefixLength;
            }
        } catch (java.net.UnknownHostException e) {
            // not an address: fall through to hex
        }
        return java.util.HexFormat.of().formatHex(data) + "/" + prefixLength;
    }
}
