package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload layouts of the handshake frames, big-endian (protocol version 3, see {@link PeerAuth}):
 * <pre>
 *  HELLO          u16 version | 32 bytes nonce
 *  HELLO_ACK      u16 version | 32 bytes nonce | 32 bytes proof
 *  HELLO_PROOF    32 bytes proof | identity
 *  HELLO_IDENTITY identity
 *  HELLO_DONE     [32 bytes discard order]
 *
 *  identity: u8 nodeId bytes | u8 volumeId bytes | u32 block size | u64 volume size
 *          | u64 data generation | u8 identity flags | u16 volume | u16 volume count n
 *          | nodeId | volumeId | n x u16 the sender's volumes | [65 bytes generation history]
 * </pre>
 * Nothing that names a node travels before its peer proved the key: the challenge frames carry
 * only nonces and proofs. In an identity the strings and the volume list follow the fixed fields;
 * the generation history is optional and last (the payload length says whether it is there).
 * A HELLO of an older version (1, 2: identity first) is read as far as its version, so such a
 * node is refused with a version mismatch rather than a decode error.
 */
final class HelloBody {

    static final int NONCE_LENGTH = 32;
    static final int PROOF_LENGTH = 32;
    /** GenerationHistory.ENCODED_LENGTH (the link package does not interpret it, only carries it). */
    static final int GENERATIONS_LENGTH = 65;

    static final int HELLO_LENGTH = 2 + NONCE_LENGTH;
    /** Versions 1 and 2 sent their identity in HELLO: up to this long. */
    static final int OLD_HELLO_MAX = 62 + 255 + 255 + 2 * PeerIdentity.MAX_VOLUMES + GENERATIONS_LENGTH;
    static final int HELLO_ACK_LENGTH = 2 + NONCE_LENGTH + PROOF_LENGTH;
    private static final int IDENTITY_FIXED = 1 + 1 + 4 + 8 + 8 + 1 + 2 + 2;
    /** Where the u16 volume count sits in an identity. */
    private static final int VOLUME_COUNT_AT = IDENTITY_FIXED - 2;
    /** One-byte names, one volume, no generation history. */
    static final int IDENTITY_MIN = IDENTITY_FIXED + 1 + 1 + 2;
    static final int IDENTITY_MAX = IDENTITY_FIXED + 255 + 255 + 2 * PeerIdentity.MAX_VOLUMES + GENERATIONS_LENGTH;

    private HelloBody() {
    }

    static void checkVersion(int version) {
        if (version < 1 || version > 0xffff) {
            throw new IllegalArgumentException("protocol version " + version + " out of range");
        }
    }

    static void checkLength(String what, byte[] bytes, int length) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
    }

    static void checkGenerations(byte[] generations) {
        if (generations != null && generations.length != GENERATIONS_LENGTH) {
            throw new IllegalArgumentException("generation history must be " + GENERATIONS_LENGTH + " bytes, not "
                    + generations.length);
        }
    }

    /** HELLO: a nonce of this version, or (older versions) only the version. */
    static Hello readHello(ByteBuf in, int length) {
        int version = in.readUnsignedShort();
        if (version != Hello.VERSION) {
            in.skipBytes(length - 2); // another layout: the version is all the handshake needs
            return new Hello(version, null);
        }
        if (length != HELLO_LENGTH) {
            throw new IllegalArgumentException("HELLO of version " + version + " is " + HELLO_LENGTH + " bytes, not "
                    + length);
        }
        return new Hello(version, bytes(in, NONCE_LENGTH));
    }

    static HelloAck readAck(ByteBuf in) {
        int version = in.readUnsignedShort();
        return new HelloAck(version, bytes(in, NONCE_LENGTH), bytes(in, PROOF_LENGTH));
    }

    static byte[] bytes(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    static int identityLength(PeerIdentity id, byte[] generations) {
        return IDENTITY_FIXED + utf8(id.nodeId()).length + utf8(id.volumeId()).length + 2 * id.volumes().size()
                + (generations == null ? 0 : GENERATIONS_LENGTH);
    }

    static void writeIdentity(ByteBuf out, PeerIdentity id, byte[] generations) {
        byte[] node = utf8(id.nodeId());
        byte[] volume = utf8(id.volumeId());
        out.writeByte(node.length);
        out.writeByte(volume.length);
        out.writeInt(id.blockSize());
        out.writeLong(id.sizeBytes());
        out.writeLong(id.generation());
        out.writeByte(id.flags());
        out.writeShort(id.volume());
        out.writeShort(id.volumes().size());
        out.writeBytes(node);
        out.writeBytes(volume);
        for (int v : id.volumes()) {
            out.writeShort(v);
        }
        if (generations != null) {
            out.writeBytes(generations);
        }
    }

    /** Reads an identity of exactly {@code length} bytes; IllegalArgumentException if they do not add up. */
    static HelloIdentity readIdentity(ByteBuf in, int length) {
        int start = in.readerIndex();
        if (length < IDENTITY_FIXED) {
            throw new IllegalArgumentException("an identity of " + length + " bytes is too short");
        }
        int nodeLength = in.getUnsignedByte(start);
        int volumeLength = in.getUnsignedByte(start + 1);
        int volumeCount = in.getUnsignedShort(start + VOLUME_COUNT_AT);
        int base = IDENTITY_FIXED + nodeLength + volumeLength + 2 * volumeCount;
        if (length != base && length != base + GENERATIONS_LENGTH) {
            throw new IllegalArgumentException("an identity of " + length + " bytes does not match its string"
                    + " lengths " + nodeLength + " and " + volumeLength + " and " + volumeCount + " volumes");
        }
        in.skipBytes(2);
        int blockSize = in.readInt();
        long size = in.readLong();
        long generation = in.readLong();
        int flags = in.readUnsignedByte();
        int volumeNumber = in.readUnsignedShort();
        in.skipBytes(2); // the count, read above
        String node = text(in, nodeLength, "node id");
        String volume = text(in, volumeLength, "volume id");
        List<Integer> volumes = new ArrayList<>(volumeCount);
        for (int i = 0; i < volumeCount; i++) {
            volumes.add(in.readUnsignedShort());
        }
        byte[] generations = length == base ? null : bytes(in, GENERATIONS_LENGTH);
        PeerIdentity id = new PeerIdentity(node, volume, size, blockSize, generation, flags, volumeNumber, volumes);
        return new HelloIdentity(id, generations);
    }

    private static String text(ByteBuf in, int length, String what) {
        if (!ByteBufUtil.isText(in, in.readerIndex(), length, StandardCharsets.UTF_8)) {
            throw new IllegalArgumentException(what + " is not valid UTF-8");
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
