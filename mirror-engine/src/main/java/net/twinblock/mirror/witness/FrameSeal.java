package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import net.twinblock.mirror.link.FrameHeader;
import net.twinblock.mirror.link.SharedKey;

/**
 * Integrity of every witness frame after the handshake. The handshake proves the key once; what
 * follows would otherwise be plain frames that anyone on the path could inject or alter (a
 * FORCE_PROMOTE, a forged GRANTED). So each frame after it carries a 32-byte trailer: HMAC-SHA256
 * under a session key ({@link WitnessAuth#sessionKey}, from the pair's key and both nonces of
 * this handshake) over the sender's role, the number of frames that side sent since the
 * handshake, the 16-byte header and the body. A frame injected, altered, replayed from another
 * connection, reordered or dropped fails the receiver's next check, and the receiver closes the
 * connection (the client redials). Leases carry no data: nothing is encrypted.
 *
 * <p>One instance per direction of a connection, kept in a channel attribute and used only on the
 * channel's event loop (the encoder and decoder run there), so its count needs no lock.
 */
final class FrameSeal {

    /** The trailer's length. */
    static final int LENGTH = SharedKey.MAC_BYTES;
    /** What this end's frames are sealed with, once its handshake is done. */
    static final AttributeKey<FrameSeal> SENDING = AttributeKey.valueOf("twinblock.witness.sealSending");
    /** What the other end's frames must carry, once this end's handshake is done. */
    static final AttributeKey<FrameSeal> RECEIVING = AttributeKey.valueOf("twinblock.witness.sealReceiving");

    private final SharedKey sessionKey;
    private final byte[] sender;
    private long frames;

    private FrameSeal(SharedKey sessionKey, WitnessAuth.Prover sender) {
        this.sessionKey = sessionKey;
        this.sender = new byte[] {(byte) sender.ordinal()};
    }

    /**
     * Seals both directions of {@code ch} from the next frame on, for the end that proved as
     * {@code self}. Call on the event loop, after this end's last handshake frame was written and
     * before the decoder reads the other end's next frame (from the handler that read the last one).
     */
    static void install(Channel ch, SharedKey pairKey, WitnessAuth.Prover self, byte[] clientNonce,
            byte[] witnessNonce) {
        SharedKey session = WitnessAuth.sessionKey(pairKey, clientNonce, witnessNonce);
        WitnessAuth.Prover peer = self == WitnessAuth.Prover.CLIENT ? WitnessAuth.Prover.WITNESS
                : WitnessAuth.Prover.CLIENT;
        ch.attr(SENDING).set(new FrameSeal(session, self));
        ch.attr(RECEIVING).set(new FrameSeal(session, peer));
    }

    /** The trailer of the next frame sent: {@code length} bytes of header and body at {@code index}. */
    byte[] seal(ByteBuf frame, int index, int length) {
        return mac(ByteBufUtil.getBytes(frame, index, length));
    }

    /** True if {@code trailer} seals the next frame received, {@code header} and {@code body} (not consumed). */
    boolean opens(FrameHeader header, ByteBuf body, byte[] trailer) {
        byte[] frame = new byte[FrameHeader.LENGTH + body.readableBytes()];
        header.write(Unpooled.wrappedBuffer(frame).writerIndex(0));
        body.getBytes(body.readerIndex(), frame, FrameHeader.LENGTH, body.readableBytes());
        return MessageDigest.isEqual(mac(frame), trailer);
    }

    private byte[] mac(byte[] frame) {
        byte[] count = ByteBuffer.allocate(Long.BYTES).putLong(frames++).array();
        return sessionKey.mac(sender, count, frame);
    }
}
