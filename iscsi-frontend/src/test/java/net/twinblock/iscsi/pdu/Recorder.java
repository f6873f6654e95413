package net.twinblock.iscsi.pdu;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayList;
import java.util.List;

/** Sits after the decoder and records PDUs and exceptions in the order they arrive. */
final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        events.add(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.add(cause);
    }

    List<Pdu> pdus() {
        List<Pdu> out = new ArrayList<>();
        for (Object e : events) {
            if (e instanceof Pdu p) {
                out.add(p);
            }
        }
        return out;
    }

    void releaseAll() {
        for (Object e : events) {
            if (e instanceof Pdu p) {
                p.release();
            }
        }
        events.clear();
    }
}
