package net.twinblock.mirror.link;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS for a link between nodes (the mirror link, the witness link): the embedder builds both
 * contexts (this node's key and certificate, and the certificates it trusts; the accepting side
 * requires the dialer's certificate too), the engine puts an {@link SslHandler} first in each new
 * connection's pipeline, so every frame, the handshake's included, crosses encrypted. The peer is
 * whoever holds a certificate the trust store accepts: give the pair a CA (or trust list) of its own.
 */
public record LinkTls(SslContext server, SslContext client) {

    /** The pipeline name of the TLS handler, first in a link's pipeline. */
    public static final String HANDLER = "tls";

    public LinkTls {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
        if (!server.isServer() || !client.isClient()) {
            throw new IllegalArgumentException("LinkTls takes a server context and a client context, in that order");
        }
    }

    /** Adds the TLS handler of an accepted connection first in {@code ch}'s pipeline. */
    public void accepted(Channel ch) {
        ch.pipeline().addFirst(HANDLER, server.newHandler(ch.alloc()));
    }

    /** Adds the TLS handler of a connection to {@code peer} first in {@code ch}'s pipeline. */
    public void dialing(Channel ch, InetSocketAddress peer) {
        ch.pipeline().addFirst(HANDLER, client.newHandler(ch.alloc(), peer.getHostString(), peer.getPort()));
    }

    /** For a log line: " over TLSv1.3" on a TLS link, "" on a plain one. */
    public static String describe(Channel ch) {
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        return tls == null ? "" : " over " + tls.engine().getSession().getProtocol();
    }

    /**
     * The TLS failure behind {@code cause} (Netty wraps it in a DecoderException), as a reason for
     * status and logs; null if {@code cause} is not one.
     */
    public static String failure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException e) {
                return "TLS: " + e.getMessage();
            }
        }
        return null;
    }
}
