package net.twinblock.mirror.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload layout of HELLO and HELLO_ACK, big-endian (version 2):
 * <pre>
 *  u16 version | u8 nodeId bytes | u8 volumeId bytes | u32 block size | u64 volume size
 *  | u64 data generation | u8 identity flags | 32 bytes nonce | u16 volume | u16 volume count n
 *  | [HELLO_ACK only: 32 bytes proof] | nodeId | volumeId | n x u16 the sender's volumes
 *  | [65 bytes generation history]
 * </pre>
 * Strings and the volume list follow the fixed fields, so every fixed field sits at a fixed
 * offset. The nodeId is the sender's name (node.name); {@code volume} is the volume (LUN) this
 * connection mirrors. The generation history is optional and last: the payload length says
 * whether it is there. Version 1 (one volume, no volume fields) is still read, so a node of the
 * older protocol is refused with a version mismatch rather than a decode error.
 */
final class HelloBody {

    static final int VERSION = 2;
    static final int NONCE_LENGTH = 32;
    static final int PROOF_LENGTH = 32;
    /** GenerationHistory.ENCODED_LENGTH (the link package does not interpret it, only carries it). */
    static final int GENERATIONS_LENGTH = 65;

    private static final int FIXED_V1 = 2 + 1 + 1 + 4 + 8 + 8 + 1 + NONCE_LENGTH;
    private static final int FIXED = FIXED_V1 + 2 + 2;
    /** Where the u16 volume count sits in a version-2 payload (after the u16 volume number). */
    private static final int VOLUME_COUNT_AT = FIXED_V1 + 2;
    static final int HELLO_MIN = FIXED_V1 + 2;
    static final int HELLO_MAX = FIXED + 255 + 255 + 2 * PeerIdentity.MAX_VOLUMES + GENERATIONS_LENGTH;
    static final int HELLO_ACK_MIN = HELLO_MIN + PROOF_LENGTH;
    static final int HELLO_ACK_MAX = HELLO_MAX + PROOF_LENGTH;

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

    static int length(int version, PeerIdentity id, boolean withProof, byte[] generations) {
        int volumes = version == 1 ? 0 : 2 + 2 + 2 * id.volumes().size();
        return FIXED_V1 + volumes + (withProof ? PROOF_LENGTH : 0) + utf8(id.nodeId()).length
                + utf8(id.volumeId()).length + (generations == null ? 0 : GENERATIONS_LENGTH);
    }

    static void write(ByteBuf out, int version, PeerIdentity id, byte[] nonce, byte[] proof, byte[] generations) {
        byte[] node = utf8(id.nodeId());
        byte[] volume = utf8(id.volumeId());
        out.writeShort(version);
        out.writeByte(node.length);
        out.writeByte(volume.length);
        out.writeInt(id.blockSize());
        out.writeLong(id.sizeBytes());
        out.writeLong(id.generation());
        out.writeByte(id.flags());
        out.writeBytes(nonce);
        boolean v1 = version == 1; // the older layout: one volume, number 0, no volume fields
        if (!v1) {
            out.writeShort(id.volume());
            out.writeShort(id.volumes().size());
        }
        if (proof != null) {
            out.writeBytes(proof);
        }
        out.writeBytes(node);
        out.writeBytes(volume);
        for (int v : v1 ? List.<Integer>of() : id.volumes()) {
            out.writeShort(v);
        }
        if (generations != null) {
            out.writeBytes(generations);
        }
    }

    /** Reads exactly {@code length} bytes; IllegalArgumentException if they do not add up. */
    static PeerMessage read(ByteBuf in, int length, boolean withProof) {
        int end = in.readerIndex() + length;
        int version = in.readUnsignedShort();
        int nodeLength = in.readUnsignedByte();
        int volumeLength = in.readUnsignedByte();
        boolean v1 = version == 1;
        if (!v1 && length < FIXED + (withProof ? PROOF_LENGTH : 0)) {
            throw new IllegalArgumentException("HELLO payload of " + length + " bytes is too short for version "
                    + version);
        }
        int volumeCount = v1 ? 0 : in.getUnsignedShort(end - length + VOLUME_COUNT_AT);
        int base = (v1 ? FIXED_V1 : FIXED) + (withProof ? PROOF_LENGTH : 0) + nodeLength + volumeLength
                + 2 * volumeCount;
        if (length != base && length != base + GENERATIONS_LENGTH) {
            throw new IllegalArgumentException("HELLO payload of " + length + " bytes does not match its"
                    + " string lengths " + nodeLength + " and " + volumeLength + " and " + volumeCount + " volumes");
        }
        int blockSize = in.readInt();
        long size = in.readLong();
        long generation = in.readLong();
        int flags = in.readUnsignedByte();
        byte[] nonce = new byte[NONCE_LENGTH];
        in.readBytes(nonce);
        int volumeNumber = v1 ? 0 : in.readUnsignedShort();
        if (!v1) {
            in.skipBytes(2); // the count, read above
        }
        byte[] proof = null;
        if (withProof) {
            proof = new byte[PROOF_LENGTH];
            in.readBytes(proof);
        }
        String node = text(in, nodeLength, "node id");
        String volume = text(in, volumeLength, "volume id");
        List<Integer> volumes = new ArrayList<>(volumeCount);
        for (int i = 0; i < volumeCount; i++) {
            volumes.add(in.readUnsignedShort());
        }
        if (v1) {
            volumes.add(0);
        }
        byte[] generations = null;
        if (length == base + GENERATIONS_LENGTH) {
            generations = new byte[GENERATIONS_LENGTH];
            in.readBytes(generations);
        }
        assert in.readerIndex() == end;
        PeerIdentity id = new PeerIdentity(node, volume, size, blockSize, generation, flags, volumeNumber, volumes);
        return withProof ? new HelloAck(version, id, nonce, proof, generations) : new Hello(version, id, nonce, generations);
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
