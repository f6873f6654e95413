package net.twinblock.mirror.witness;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The calls in flight on one authenticated connection, by request id. A reply completes its call;
 * a call with no reply within the time-out fails and drops the connection (one stalled answer on a
 * pipelined stream means the path or the witness is stuck, and redialling finds out which); a
 * connection that closes fails every call still waiting. Futures complete on this connection's
 * event loop.
 */
final class PendingCalls extends ChannelInboundHandlerAdapter {

    private record Call(PairRequest request, long sentNanos, CompletableFuture<WitnessAnswer> answer,
                        ScheduledFuture<?> timer) {
    }

    private final Channel channel;
    private final String witness;
    private final long timeoutNanos;
    private final long marginNanos;
    private final Map<Integer, Call> calls = new ConcurrentHashMap<>();

    PendingCalls(Channel channel, String witness, long timeoutNanos, long marginNanos) {
        this.channel = channel;
        this.witness = witness;
        this.timeoutNanos = timeoutNanos;
        this.marginNanos = marginNanos;
    }

    /** Sends {@code r} (from any thread); the lease it may grant counts from now. */
    CompletableFuture<WitnessAnswer> send(PairRequest r) {
        CompletableFuture<WitnessAnswer> answer = new CompletableFuture<>();
        long sent = System.nanoTime();
        int id = r.requestId();
        calls.put(id, new Call(r, sent, answer, null));
        // Armed after the call is registered, so it cannot fire before there is a call to time out.
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> timedOut(id), timeoutNanos, TimeUnit.NANOSECONDS);
        if (calls.computeIfPresent(id, (k, c) -> new Call(r, sent, answer, timer)) == null) {
            timer.cancel(false); // answered (or failed) already
        }
        channel.writeAndFlush(r).addListener(w -> {
            if (!w.isSuccess()) {
                fail(r.requestId(), new WitnessUnavailableException("cannot send " + r.op() + " to the witness "
                        + witness + ": " + w.cause().getMessage()));
            }
        });
        return answer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PairReply reply) {
            Call c = calls.remove(reply.requestId());
            if (c == null) {
                Hangup.refuse(ctx, WitnessErrorCode.PROTOCOL_ERROR, "reply to request " + reply.requestId()
                        + ", which is not waiting");
                return;
            }
            cancel(c);
            c.answer().complete(WitnessAnswer.of(reply, c.sentNanos(), marginNanos));
        } else if (msg instanceof WitnessError e) {
            failAll("the witness " + witness + " closed the connection: " + e.code() + ": " + e.message());
            ctx.close();
        } else {
            Hangup.refuse(ctx, WitnessErrorCode.PROTOCOL_ERROR, "the witness sent " + Hangup.what(msg)
                    + " after the handshake");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failAll("connection to the witness " + witness + " lost before it answered");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Hangup.failed(ctx, cause);
    }

    private void timedOut(int id) {
        Call c = calls.remove(id);
        if (c != null) {
            c.answer().completeExceptionally(new WitnessTimeoutException("no answer from the witness " + witness + " to "
                    + c.request().op() + " for pair " + c.request().pairId() + " within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            channel.close();
        }
    }

    private void fail(int id, WitnessException e) {
        Call c = calls.remove(id);
        if (c != null) {
            cancel(c);
            c.answer().completeExceptionally(e);
        }
    }

    private void failAll(String why) {
        for (Integer id : calls.keySet()) {
            fail(id, new WitnessUnavailableException(why));
        }
    }

    private static void cancel(Call c) {
        if (c.timer() != null) {
            c.timer().cancel(false);
        }
    }
}
