package net.twinblock.mirror.resync;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * resync.checksum: how blocks are compared between the nodes. CRC32C is the default: cheap
 * (hardware-assisted) and 4 bytes per hash on the link, enough to find rot and missed writes.
 * The cryptographic ones cost more CPU and link bytes and also resist collisions.
 */
public enum ChecksumAlgorithm {
    CRC32C("crc32c", 4, null),
    MD5("md5", 16, "MD5"),
    SHA1("sha1", 20, "SHA-1"),
    SHA256("sha256", 32, "SHA-256");

    private final String configName;
    private final int hashLength;
    private final String jcaName;

    ChecksumAlgorithm(String configName, int hashLength, String jcaName) {
        this.configName = configName;
        this.hashLength = hashLength;
        this.jcaName = jcaName;
    }

    /** The name used in configuration and on the link. */
    public String configName() {
        return configName;
    }

    /** Bytes per hash. */
    public int hashLength() {
        return hashLength;
    }

    /**
     * Parses a configuration value (case-insensitive; "sha-1" and "sha-256" accepted too).
     *
     * @throws IllegalArgumentException naming {@code field} and the accepted values
     */
    public static ChecksumAlgorithm fromConfig(String field, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace("-", "");
        for (ChecksumAlgorithm a : values()) {
            if (a.configName.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException(field + ": unknown checksum '" + value
                + "'; use crc32c, md5, sha1 or sha256");
    }

    /** A reusable hasher for one thread. */
    public Hasher newHasher() {
        if (this == CRC32C) {
            return new Crc32cHasher();
        }
        try {
            return new DigestHasher(MessageDigest.getInstance(jcaName));
        } catch (NoSuchAlgorithmException e) {
            // Every Java runtime must provide MD5, SHA-1 and SHA-256.
            throw new IllegalStateException(jcaName + " missing from this Java runtime", e);
        }
    }

    /** Hash of the readable bytes of {@code data} (indexes untouched). */
    public byte[] hash(ByteBuf data) {
        byte[] out = new byte[hashLength];
        newHasher().hash(data, data.readerIndex(), data.readableBytes(), out, 0);
        return out;
    }

    /**
     * Hashes bytes of a ByteBuf in place: the buffer's own memory is fed to the checksum through
     * NIO views, with no copy into a byte array of ours (a pooled direct read buffer is hashed
     * where the kernel put the data). Not thread-safe; one per thread.
     */
    public abstract static class Hasher {
        /** Hashes {@code length} bytes of {@code data} at {@code index} into {@code out} at {@code outOffset}. */
        public void hash(ByteBuf data, int index, int length, byte[] out, int outOffset) {
            for (ByteBuffer b : data.nioBuffers(index, length)) {
                update(b);
            }
            finish(out, outOffset);
        }

        /**
         * Hashes the remaining bytes of {@code data} (its position moves to its limit) into {@code out}:
         * for callers that slice one NIO view of a large buffer region by region, which costs no
         * ByteBuf call (and no leak-detector record) per region.
         */
        public void hash(ByteBuffer data, byte[] out, int outOffset) {
            update(data);
            finish(out, outOffset);
        }

        abstract void update(ByteBuffer data);

        /** Writes the hash of everything given since the last finish, and starts afresh. */
        abstract void finish(byte[] out, int outOffset);
    }

    private static final class Crc32cHasher extends Hasher {
        private final CRC32C crc = new CRC32C();

        @Override
        void update(ByteBuffer data) {
            crc.update(data);
        }

        @Override
        void finish(byte[] out, int outOffset) {
            int v = (int) crc.getValue();
            crc.reset();
            out[outOffset] = (byte) (v >>> 24);
            out[outOffset + 1] = (byte) (v >>> 16);
            out[outOffset + 2] = (byte) (v >>> 8);
            out[outOffset + 3] = (byte) v;
        }
    }

    private static final class DigestHasher extends Hasher {
        private final MessageDigest digest;

        DigestHasher(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        void update(ByteBuffer data) {
            digest.update(data);
        }

        @Override
        void finish(byte[] out, int outOffset) {
            try {
                digest.digest(out, outOffset, digest.getDigestLength()); // also resets the digest
            } catch (java.security.DigestException e) {
                throw new IllegalStateException("hash output does not fit", e); // out was sized by hashLength
            }
        }
    }
}
