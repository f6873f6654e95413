package net.twinblock.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.twinblock.iscsi.pdu.Bhs;
import net.twinblock.iscsi.pdu.IscsiOpcode;
import net.twinblock.iscsi.pdu.Pdu;
import net.twinblock.iscsi.pdu.PduDecoder;
import net.twinblock.iscsi.pdu.PduEncoder;

/**
 * A minimal iSCSI initiator for tests: a real TCP connection with our codec, PDUs built by
 * hand so a test can send exactly what it means to, including what a correct initiator never
 * would. Received PDUs queue up; the test takes them and must release them.
 */
final class TestInitiator implements AutoCloseable {

    static final String TARGET = "iqn.2026-11.net.twinblock.test:disk";

    private final Channel channel;
    private PduDecoder decoder;
    private PduEncoder encoder;
    private final BlockingQueue<Pdu> received = new LinkedBlockingQueue<>();
    volatile boolean closed;
    int cmdSn;
    int expStatSn;
    private int nextItt = 0x100;

    private TestInitiator(EventLoopGroup group, InetSocketAddress target) {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        decoder = new PduDecoder();
                        decoder.setMaxRecvDataSegmentLength(PduDecoder.MAX_MAX_RECV_DATA_SEGMENT_LENGTH);
                        encoder = new PduEncoder();
                        ch.pipeline().addLast(decoder, encoder, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.add((Pdu) msg);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                closed = true;
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).connect(target).syncUninterruptibly().channel();
    }

    static TestInitiator connect(EventLoopGroup group, InetSocketAddress target) {
        return new TestInitiator(group, target);
    }

    /** Keys an initiator like open-iscsi proposes, with bursts small enough to see splitting. */
    static Map<String, String> normalKeys(String initiatorName) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", initiatorName);
        keys.put("SessionType", "Normal");
        keys.put("TargetName", TARGET);
        keys.put("HeaderDigest", "None");
        keys.put("DataDigest", "None");
        keys.put("InitialR2T", "No");
        keys.put("ImmediateData", "Yes");
        keys.put("MaxRecvDataSegmentLength", "1024");
        keys.put("FirstBurstLength", "2048");
        keys.put("MaxBurstLength", "4096");
        keys.put("MaxOutstandingR2T", "1");
        keys.put("ErrorRecoveryLevel", "0");
        return keys;
    }

    /** One-PDU login straight to the full feature phase (as open-iscsi does without CHAP). */
    Pdu login(long isid, int tsih, Map<String, String> keys) {
        sendLogin(isid, tsih, keys);
        Pdu resp = receive();
        assertEquals(IscsiOpcode.LOGIN_RESPONSE, resp.opcode(), "login answer");
        cmdSn = resp.u32(Bhs.Login.EXP_CMD_SN);
        expStatSn = resp.u32(Bhs.Login.STAT_SN) + 1;
        return resp;
    }

    void sendLogin(long isid, int tsih, Map<String, String> keys) {
        Pdu req = Pdu.create(channel.alloc(), IscsiOpcode.LOGIN_REQUEST, text(keys));
        req.setImmediate(true);
        req.setFlags(Bhs.Login.FLAG_TRANSIT | (1 << Bhs.Login.CSG_SHIFT) | 3);
        req.u16(Bhs.Login.ISID, (int) (isid >>> 32)).u32(Bhs.Login.ISID + 2, (int) isid);
        req.u16(Bhs.Login.TSIH, tsih);
        req.setItt(nextItt++);
        req.u32(Bhs.Login.CMD_SN, cmdSn);
        send(req);
    }

    /** Logs in and checks it succeeded. */
    void loginOk(long isid, String initiatorName) {
        Pdu resp = login(isid, 0, normalKeys(initiatorName));
        try {
            assertEquals(0, resp.u8(Bhs.Login.STATUS_CLASS), "login status class");
        } finally {
            resp.release();
        }
    }

    /** CRC32C from now on, both ways (after a login that negotiated them). */
    void enableDigests(boolean header, boolean data) {
        channel.eventLoop().submit(() -> {
            decoder.setDigests(header, data);
            encoder.setDigests(header, data);
        }).syncUninterruptibly();
    }

    int newItt() {
        return nextItt++;
    }

    /** A SCSI Command taking the next CmdSN (unless immediate). */
    Pdu command(int itt, byte[] cdb, int edtl, int flags, byte[] immediateData) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.SCSI_COMMAND,
                immediateData == null ? null : Unpooled.wrappedBuffer(immediateData));
        pdu.setFlags(flags | 1 /* SIMPLE */);
        pdu.setItt(itt);
        pdu.u32(Bhs.ScsiCommand.EXPECTED_DATA_TRANSFER_LENGTH, edtl);
        pdu.u32(Bhs.ScsiCommand.CMD_SN, cmdSn++);
        pdu.u32(Bhs.ScsiCommand.EXP_STAT_SN, expStatSn);
        pdu.bhs().setBytes(pdu.bhs().readerIndex() + Bhs.ScsiCommand.CDB, cdb);
        return pdu;
    }

    static byte[] read10(int lba, int blocks) {
        return new byte[] {0x28, 0, (byte) (lba >>> 24), (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, 0,
            (byte) (blocks >>> 8), (byte) blocks, 0};
    }

    static byte[] write10(int lba, int blocks) {
        byte[] cdb = read10(lba, blocks);
        cdb[0] = 0x2a;
        return cdb;
    }

    Pdu dataOut(int itt, int ttt, int dataSn, int offset, byte[] data, boolean last) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.SCSI_DATA_OUT, Unpooled.wrappedBuffer(data));
        pdu.setFlags(last ? Bhs.FLAG_FINAL : 0);
        pdu.setItt(itt);
        pdu.u32(Bhs.DataOut.TTT, ttt);
        pdu.u32(Bhs.DataOut.EXP_STAT_SN, expStatSn);
        pdu.u32(Bhs.DataOut.DATA_SN, dataSn);
        pdu.u32(Bhs.DataOut.BUFFER_OFFSET, offset);
        return pdu;
    }

    Pdu nopOut(int itt, int ttt, byte[] data) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.NOP_OUT, data == null ? null : Unpooled.wrappedBuffer(data));
        pdu.setFlags(Bhs.FLAG_FINAL);
        pdu.setItt(itt);
        pdu.u32(Bhs.NopOut.TTT, ttt);
        if (itt == Pdu.RESERVED_TAG) {
            pdu.setImmediate(true); // a ping answer must not use up a CmdSN
            pdu.u32(Bhs.NopOut.CMD_SN, cmdSn);
        } else {
            pdu.u32(Bhs.NopOut.CMD_SN, cmdSn++);
        }
        pdu.u32(Bhs.NopOut.EXP_STAT_SN, expStatSn);
        return pdu;
    }

    /** An immediate TMF request, as libiscsi and open-iscsi send them. */
    Pdu tmf(int function, int referencedItt, int refCmdSn, int lun) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.TASK_MGMT_REQUEST);
        pdu.setImmediate(true);
        pdu.setFlags(Bhs.FLAG_FINAL | function);
        pdu.setLun((long) lun << 48);
        pdu.setItt(newItt());
        pdu.u32(Bhs.TmfRequest.REFERENCED_TASK_TAG, referencedItt);
        pdu.u32(Bhs.TmfRequest.CMD_SN, cmdSn);
        pdu.u32(Bhs.TmfRequest.EXP_STAT_SN, expStatSn);
        pdu.u32(Bhs.TmfRequest.REF_CMD_SN, refCmdSn);
        return pdu;
    }

    Pdu logout(int reason) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.LOGOUT_REQUEST);
        pdu.setImmediate(true);
        pdu.setFlags(Bhs.FLAG_FINAL | reason);
        pdu.setItt(newItt());
        pdu.u32(Bhs.Logout.CMD_SN, cmdSn);
        pdu.u32(Bhs.Logout.EXP_STAT_SN, expStatSn);
        return pdu;
    }

    Pdu textRequest(int itt, int ttt, int flags, Map<String, String> keys) {
        return textRequest(itt, ttt, flags, keys.isEmpty() ? null : text(keys));
    }

    /** A Text Request with raw data: a piece of a longer request, or something that is not text. */
    Pdu textRequest(int itt, int ttt, int flags, ByteBuf data) {
        Pdu pdu = Pdu.create(channel.alloc(), IscsiOpcode.TEXT_REQUEST, data);
        pdu.setFlags(flags);
        pdu.setItt(itt);
        pdu.u32(Bhs.Text.TTT, ttt);
        pdu.u32(Bhs.Text.CMD_SN, cmdSn++);
        pdu.u32(Bhs.Text.EXP_STAT_SN, expStatSn);
        return pdu;
    }

    static ByteBuf text(Map<String, String> keys) {
        StringBuilder sb = new StringBuilder();
        keys.forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
        return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    void send(Pdu pdu) {
        channel.writeAndFlush(pdu).syncUninterruptibly();
    }

    /** Raw bytes, for garbage the codec could never build. */
    void sendRaw(byte[] bytes) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
    }

    /** The next PDU from the target; fails the test after 5 s. The caller releases it. */
    Pdu receive() {
        Pdu pdu = poll(Duration.ofSeconds(5));
        assertNotNull(pdu, "no PDU from the target within 5 s");
        return pdu;
    }

    /** The next PDU within {@code wait}, or null. */
    Pdu poll(Duration wait) {
        try {
            Pdu pdu = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (pdu != null && pdu.opcode() != null) {
                switch (pdu.opcode()) {
                    case SCSI_RESPONSE, TASK_MGMT_RESPONSE, TEXT_RESPONSE, LOGOUT_RESPONSE, REJECT -> expStatSn++;
                    case NOP_IN -> {
                        if (pdu.itt() != Pdu.RESERVED_TAG) {
                            expStatSn++;
                        }
                    }
                    case SCSI_DATA_IN -> {
                        if ((pdu.flags() & Bhs.DataIn.FLAG_STATUS) != 0) {
                            expStatSn++;
                        }
                    }
                    default -> {
                    }
                }
            }
            return pdu;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int pending() {
        return received.size();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        Pdu p;
        while ((p = received.poll()) != null) {
            p.release();
        }
    }
}
