package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.time.Duration;
import net.twinblock.mirror.link.LinkKeepAlive;
import net.twinblock.mirror.link.PeerFrameDecoder;
import net.twinblock.mirror.link.PeerFrameEncoder;
import net.twinblock.mirror.link.PeerSilence;
import net.twinblock.mirror.link.ReadWhileWritable;
import net.twinblock.mirror.link.WriteAssembler;

/**
 * Every handler of a mirror link's pipeline, by name and in order, for both ends. A new link
 * gets TLS first when configured ({@link net.twinblock.mirror.link.LinkTls}, named "tls"), then
 * the framing, the heartbeat and its end's handshake; once the handshake authenticated the
 * peer it removes itself and the node adds its role's stages behind the framing:
 * <pre>
 *  primary:   peerEncoder, peerDecoder, keepAlive, scan (hash answers), assembler (forwarded writes),
 *             mirror (acks, forwarded I/O)
 *  secondary: peerEncoder, peerDecoder, keepAlive, backpressure, scan (hash requests), assembler (large
 *             writes), mirror
 * </pre>
 * Both ends queue at most {@link ReadWhileWritable#WATER_MARK} before the channel turns unwritable;
 * the secondary then stops reading until its answers drain (the primary always reads them).
 * The scan stage sits in front of the mirror traffic, so checksum scans and scrubs take only
 * their own frames and the mirror handler never sees them.
 */
final class LinkPipeline {

    private static final PeerFrameEncoder ENCODER = new PeerFrameEncoder();

    private LinkPipeline() {
    }

    /** A new link, client or server end: framing, heartbeat and {@code handshake}. */
    static void connecting(Channel ch, Duration heartbeat, PeerSilence silence, ChannelHandler handshake) {
        ch.config().setWriteBufferWaterMark(ReadWhileWritable.WATER_MARK);
        ch.pipeline().addLast("peerEncoder", ENCODER)
                .addLast("peerDecoder", new PeerFrameDecoder())
                .addLast("keepAlive", new LinkKeepAlive(heartbeat, silence))
                .addLast("handshake", handshake);
    }

    /** The primary's stages; returns the scan stage, through which scans and scrubs ask the secondary. */
    static PeerHashComparison primary(Channel ch, WriteAssembler assembler, PrimaryLinkHandler mirror) {
        PeerHashComparison hashes = new PeerHashComparison(ch);
        ch.pipeline().addLast("scan", hashes).addLast("assembler", assembler).addLast("mirror", mirror);
        return hashes;
    }

    /** The secondary's stages. */
    static void secondary(Channel ch, HashRequests scan, WriteAssembler assembler, MirrorReceiver mirror) {
        ch.pipeline().addLast("backpressure", ReadWhileWritable.INSTANCE)
                .addLast("scan", scan).addLast("assembler", assembler).addLast("mirror", mirror);
    }
}
