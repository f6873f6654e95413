package net.twinblock.mirror.pair;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import net.twinblock.mirror.link.AckStatus;
import net.twinblock.mirror.link.LinkOutbox;
import net.twinblock.mirror.link.PeerCall;
import net.twinblock.mirror.link.PeerReply;
import net.twinblock.mirror.store.VolumeException;

/**
 * One volume's channel for the embedder's own state (SCSI reservations, unit attentions,
 * commands the primary alone may run): opaque messages to the partner over this volume's link
 * (PEER_CALL), each answered (PEER_REPLY) once the partner's {@link Responder} completed. The
 * engine never reads the bytes; it only carries them in link order, so what the primary sends
 * first at a link-up ({@link #whenLinked}) arrives before anything the link carries later.
 */
public final class PeerCalls {

    private static final Logger LOG = System.getLogger(PeerCalls.class.getName());

    /** What this node answers a partner's call with; a failed future answers IO_ERROR (or NOT_READY, retryable). */
    public interface Responder {
        CompletableFuture<byte[]> answer(byte[] call);
    }

    private static final byte[] NOTHING = new byte[0];

    private final int volume;
    /** Null until the embedder is wired (the link may come up first): calls wait in {@link #early}. */
    private Responder responder;
    private final List<Runnable> early = new ArrayList<>();
    private volatile Channel link;
    /** On a primary: mirror.on-peer-loss, which {@link #replicate} follows as writes do; null elsewhere. */
    private volatile PeerLossPolicy onPeerLoss;
    /** Where SUSPEND's timeout for a held replica runs. */
    private volatile EventExecutor timer;
    /** Replicas SUSPEND holds for the next link (or a witness that outdates the secondary). */
    private final List<CompletableFuture<Void>> heldForLink = new ArrayList<>();
    private final List<Runnable> linkListeners = new CopyOnWriteArrayList<>();
    private final Map<Integer, CompletableFuture<byte[]>> pending = new HashMap<>();
    private int nextId;

    PeerCalls(int volume) {
        this.volume = volume;
    }

    /** Sets who answers the partner's calls, and answers those that arrived before. */
    public void answerWith(Responder r) {
        List<Runnable> waiting;
        synchronized (this) {
            responder = r;
            waiting = new ArrayList<>(early);
            early.clear();
        }
        waiting.forEach(Runnable::run);
    }

    /**
     * Runs {@code listener} on the link's event loop whenever this volume's link comes up, and now
     * (on that loop) if it is up: the first thing it sends precedes everything later on the link.
     */
    public void whenLinked(Runnable listener) {
        linkListeners.add(listener);
        Channel ch = link;
        if (ch != null) {
            ch.eventLoop().execute(() -> {
                if (link == ch) {
                    listener.run();
                }
            });
        }
    }

    /** True while this volume has a link to its partner. */
    public boolean linked() {
        Channel ch = link;
        return ch != null && ch.isActive();
    }

    /**
     * Sends {@code body} to the partner; completes with its answer. Fails with a retryable
     * {@link VolumeException} without a link, or when the link is lost before the answer (the
     * partner may or may not have acted on it).
     */
    public CompletableFuture<byte[]> call(byte[] body) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        Channel ch;
        int id;
        synchronized (this) {
            ch = link;
            if (ch == null || !ch.isActive()) {
                return CompletableFuture.failedFuture(new VolumeException("LUN " + volume
                        + " has no link to its partner", true));
            }
            id = nextId++;
            pending.put(id, answer);
        }
        LinkOutbox.of(ch).write(new PeerCall(id, body));
        return answer;
    }

    /**
     * On the primary: what the secondary must have before a host is told (a reservation change).
     * Completes when the secondary answered. Without a link, or if the link is lost first, it
     * follows mirror.on-peer-loss as a write does: CONTINUE (or a witness that recorded the
     * secondary outdated) completes it here alone, since the link-up listener sends the whole state
     * again; SUSPEND holds it and sends it again when the link is back (the secondary adopts the
     * state after it, so a change it already had is no harm), failing retryable at the timeout.
     */
    public CompletableFuture<Void> replicate(byte[] body) {
        return call(body).handle((answer, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            PeerLossPolicy policy = onPeerLoss;
            if (policy == null || linked()) {
                return CompletableFuture.<Void>failedFuture(failure); // the partner refused, or no policy here
            }
            if (policy.continuesAlone()) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            return holdForLink(policy).thenCompose(v -> {
                if (onPeerLoss != policy) {
                    return CompletableFuture.<Void>failedFuture(noLongerDeciding());
                }
                return !linked() && policy.continuesAlone() ? CompletableFuture.<Void>completedFuture(null)
                        : replicate(body);
            });
        }).thenCompose(f -> f);
    }

    /** Completes at the next link, or when the policy lets the primary go on alone; fails at SUSPEND's timeout. */
    private CompletableFuture<Void> holdForLink(PeerLossPolicy policy) {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        synchronized (this) {
            if (linked()) {
                return CompletableFuture.completedFuture(null); // back already: send again at once
            }
            heldForLink.add(waiter);
        }
        ScheduledFuture<?> t = policy.holdUntilTimeout(timer, () -> {
            synchronized (this) {
                if (!heldForLink.remove(waiter)) {
                    return;
                }
            }
            waiter.completeExceptionally(policy.gaveUp("reservation change not done"));
        });
        waiter.whenComplete((ok, err) -> t.cancel(false));
        return waiter;
    }

    /** This node became primary: replicas follow {@code policy}, its SUSPEND timeout running on {@code timer}. */
    void followPeerLoss(PeerLossPolicy policy, EventExecutor timer) {
        this.timer = timer;
        this.onPeerLoss = policy;
    }

    /**
     * This node stopped being primary (demoted or fenced): what it held must not reach a partner
     * that decides now, so it fails, retryable (the host retries at the node that decides).
     */
    void stopDeciding() {
        List<CompletableFuture<Void>> failed;
        synchronized (this) {
            onPeerLoss = null;
            failed = new ArrayList<>(heldForLink);
            heldForLink.clear();
        }
        failed.forEach(w -> w.completeExceptionally(noLongerDeciding()));
    }

    private VolumeException noLongerDeciding() {
        return new VolumeException("LUN " + volume + ": this node no longer decides for the pair", true);
    }

    /** The witness recorded the secondary outdated: held replicas complete on the primary alone. */
    void peerOutdated() {
        releaseHeld();
    }

    private void releaseHeld() {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            released = new ArrayList<>(heldForLink);
            heldForLink.clear();
        }
        released.forEach(w -> w.complete(null));
    }

    /** This volume's link is up (event loop): installs the call stage before the mirror handler. */
    void linkUp(Channel ch) {
        ch.pipeline().addBefore("mirror", "calls", new Stage());
        synchronized (this) {
            link = ch;
        }
        for (Runnable l : linkListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "LUN " + volume + ": a link-up listener failed", e);
            }
        }
        releaseHeld(); // after the listeners: what they send first stays first on the link
    }

    /** The link is gone: what waits for an answer fails, retryable. */
    void linkDown(Channel ch) {
        List<CompletableFuture<byte[]>> failed;
        synchronized (this) {
            if (link != ch) {
                return;
            }
            link = null;
            failed = new ArrayList<>(pending.values());
            pending.clear();
        }
        VolumeException e = new VolumeException("the link to the partner of LUN " + volume
                + " was lost before it answered", true);
        failed.forEach(f -> f.completeExceptionally(e));
    }

    private void replied(PeerReply r) {
        CompletableFuture<byte[]> f;
        synchronized (this) {
            f = pending.remove(r.id());
        }
        if (f == null) {
            return;
        }
        if (r.status() == AckStatus.OK) {
            f.complete(r.body());
        } else {
            f.completeExceptionally(new VolumeException("the partner could not act on LUN " + volume + "'s call: "
                    + r.status(), r.status() == AckStatus.NOT_READY));
        }
    }

    private void called(Channel ch, PeerCall c) {
        Responder r;
        synchronized (this) {
            r = responder;
            if (r == null) {
                early.add(() -> called(ch, c));
                return;
            }
        }
        CompletableFuture<byte[]> answer;
        try {
            answer = r.answer(c.body());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        LinkOutbox out = LinkOutbox.of(ch);
        answer.whenComplete((body, err) -> {
            if (err != null) {
                LOG.log(Level.WARNING, "LUN {0}: answering the partner''s call failed: {1}", volume, err.toString());
            }
            out.write(new PeerReply(c.id(), PrimaryLinkHandler.status(err), err == null ? body : NOTHING));
        });
    }

    /** Takes this channel's PEER_CALL and PEER_REPLY frames; passes every other frame on. */
    private final class Stage extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PeerCall c) {
                called(ctx.channel(), c);
            } else if (msg instanceof PeerReply r) {
                replied(r);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
