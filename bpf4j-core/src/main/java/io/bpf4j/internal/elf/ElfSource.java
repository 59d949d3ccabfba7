package io.bpf4j.internal.elf;

import io.bpf4j.ObjectFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Where an ELF file's bytes come from: an array (a BPF object read whole) or a file channel read
 * range by range (a 2 MB libc of which only headers and symbol tables are wanted). Every read is
 * checked against the file's size first, so a declared offset or length past the end gives an
 * {@link ObjectFormatException} naming the file, the part and the offset — never an index error
 * or an allocation sized by the file.
 */
abstract sealed class ElfSource {
    private final String file;

    ElfSource(String file) {
        this.file = file;
    }

    /** A source over the whole file in {@code bytes}. */
    static ElfSource of(String file, byte[] bytes) {
        return new Bytes(file, bytes);
    }

    /** A source reading {@code channel} (which the caller closes) on demand. */
    static ElfSource of(String file, FileChannel channel) throws IOException {
        return new Channel(file, channel, channel.size());
    }

    /** The file name used in messages. */
    String file() {
        return file;
    }

    abstract long size();

    ObjectFormatException error(String what, long offset) {
        return new ObjectFormatException(file + ": " + what + " (at byte offset " + offset + ")");
    }

    /** Checks that {@code len} bytes at {@code off} lie inside the file. */
    void range(long off, long len, String what) {
        if (off < 0 || len < 0 || off > size() || len > size() - off) {
            throw error(
                    what + " span bytes " + Long.toUnsignedString(off) + "+" + Long.toUnsignedString(len)
                            + ", past the end of the " + size() + "-byte file",
                    off);
        }
    }

    /** {@code len} bytes at {@code off}, little-endian, after checking they lie inside the file. */
    ByteBuffer read(long off, long len, String what) {
        range(off, len, what);
        if (len > Integer.MAX_VALUE - 8) {
            throw error(what + " declare " + len + " bytes, more than bpf4j reads into memory", off);
        }
        try {
            return readChecked(off, (int) len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ObjectFormatException(file + ": cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** The same bytes as an array of their own. */
    byte[] bytes(long off, long len, String what) {
        ByteBuffer b = read(off, len, what);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    abstract ByteBuffer readChecked(long off, int len) throws IOException;

    private static final class Bytes extends ElfSource {
        private final byte[] bytes;

        Bytes(String file, byte[] bytes) {
            super(file);
            this.bytes = bytes;
        }

        @Override
        long size() {
            return bytes.length;
        }

        @Override
        ByteBuffer readChecked(long off, int len) {
            return ByteBuffer.wrap(bytes, (int) off, len).slice();
        }
    }

    private static final class Channel extends ElfSource {
        private final FileChannel channel;
        private final long size;

        Channel(String file, FileChannel channel, long size) {
            super(file);
            this.channel = channel;
            this.size = size;
        }

        @Override
        long size() {
            return size;
        }

        @Override
        ByteBuffer readChecked(long off, int len) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(len);
            while (b.hasRemaining()) {
                int n = channel.read(b, off + b.position());
                if (n < 0) {
                    throw error("file ended while reading " + len + " bytes", off + b.position());
                }
            }
            return b.flip();
        }
    }
}
