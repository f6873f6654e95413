package net.twinblock.mirror.witness;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * What the witness keeps durably about one pair: a few bytes.
 *
 * @param pairId  the pair's name as its nodes send it
 * @param epoch   the pair's data generation in the witness's view
 * @param primary the node that is primary in that generation
 * @param peer    whether the other node is up to date or outdated
 * @param keyId   {@link WitnessAuth#keyId} of the key that founded the pair: no other key reads or changes it
 */
record WitnessState(String pairId, long epoch, String primary, PeerState peer, String keyId) {

    private static final int MAGIC = 0x54425753; // "TBWS"
    private static final int FORMAT = 1;
    private static final int KEY_ID_BYTES = 32;
    private static final int FIXED = 4 + 2 + 1 + 1 + 1 + 8 + KEY_ID_BYTES;

    WitnessState {
        WireText.utf8("pair id", pairId, false);
        WireText.utf8("primary", primary, false);
        if (epoch < 0 || peer == null || keyId == null || keyId.length() != 2 * KEY_ID_BYTES) {
            throw new IllegalArgumentException("bad witness state " + pairId + " " + epoch + " " + peer);
        }
    }

    WitnessState withPeer(PeerState p) {
        return new WitnessState(pairId, epoch, primary, p, keyId);
    }

    /** The next generation, with {@code node} primary; the old primary missed it, so it is outdated. */
    WitnessState promote(String node) {
        return new WitnessState(pairId, epoch + 1, node, PeerState.OUTDATED, keyId);
    }

    /**
     * {@code u32 magic | u16 format | u8 peer state | u8 pair id length | u8 primary length | u64 epoch
     * | 32 bytes key id | pair id | primary} (the file adds its CRC32C).
     */
    byte[] encode() {
        byte[] pair = WireText.encode(pairId);
        byte[] node = WireText.encode(primary);
        ByteBuffer b = ByteBuffer.allocate(FIXED + pair.length + node.length);
        b.putInt(MAGIC).putShort((short) FORMAT).put((byte) peer.code()).put((byte) pair.length).put((byte) node.length)
                .putLong(epoch).put(HexFormat.of().parseHex(keyId)).put(pair).put(node);
        return b.array();
    }

    /** @throws IllegalArgumentException naming what is wrong, if {@code body} is no state of this format */
    static WitnessState decode(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        if (body.length < FIXED || b.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a witness state file");
        }
        int format = Short.toUnsignedInt(b.getShort());
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not " + FORMAT + " (written by another version?)");
        }
        PeerState peer = PeerState.of(Byte.toUnsignedInt(b.get()));
        int pairLength = Byte.toUnsignedInt(b.get());
        int nodeLength = Byte.toUnsignedInt(b.get());
        long epoch = b.getLong();
        byte[] key = new byte[KEY_ID_BYTES];
        b.get(key);
        if (b.remaining() != pairLength + nodeLength) {
            throw new IllegalArgumentException("length " + body.length + " does not match its names");
        }
        byte[] pair = new byte[pairLength];
        byte[] node = new byte[nodeLength];
        b.get(pair).get(node);
        return new WitnessState(new String(pair, java.nio.charset.StandardCharsets.UTF_8),
                epoch, new String(node, java.nio.charset.StandardCharsets.UTF_8), peer, HexFormat.of().formatHex(key));
    }

    @Override
    public String toString() {
        return "pair " + pairId + ": epoch " + epoch + ", primary " + primary + ", peer " + peer;
    }
}
