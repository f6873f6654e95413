package net.twinblock.iscsi.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec on a real NIO socket over loopback: real pooled receive buffers, composite
 * cumulation across TCP reads, gathering writes, and sendfile for a FileRegion Data-In.
 * The client is a plain blocking socket that speaks bytes built by {@link WirePdu}.
 */
class PduCodecLoopbackTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel server;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Answers a SCSI Command with a Data-In echoing its data (a retained slice: no copy end to
     * end) and a NOP-Out with a Data-In read from {@code file} as a FileRegion.
     */
    private final class Responder extends SimpleChannelInboundHandler<Pdu> {
        private final Path file;

        Responder(Path file) {
            this.file = file;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Pdu request) {
            // SimpleChannelInboundHandler releases request after this returns; the reply keeps
            // its own reference to the payload via retainData().
            if (request.opcode() == IscsiOpcode.SCSI_COMMAND) {
                Pdu reply = Pdu.create(ctx.alloc(), IscsiOpcode.SCSI_DATA_IN, request.retainData());
                reply.setFlags(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS).setItt(request.itt());
                ctx.writeAndFlush(reply);
            } else if (request.opcode() == IscsiOpcode.NOP_OUT) {
                Pdu header = Pdu.create(ctx.alloc(), IscsiOpcode.SCSI_DATA_IN);
                header.setFlags(Bhs.FLAG_FINAL | Bhs.DataIn.FLAG_STATUS).setItt(request.itt());
                long length = request.u32(Bhs.NopOut.CMD_SN); // test shortcut: how many bytes to send
                ctx.writeAndFlush(new FileRegionPdu(header, new DefaultFileRegion(file.toFile(), 0, length)));
            }
        }
    }

    private int start(boolean headerDigest, boolean dataDigest, Path file) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PduDecoder decoder = new PduDecoder();
                        decoder.setMaxRecvDataSegmentLength(262144);
                        decoder.setDigests(headerDigest, dataDigest);
                        PduEncoder encoder = new PduEncoder();
                        encoder.setDigests(headerDigest, dataDigest);
                        ch.pipeline().addLast("pduDecoder", decoder).addLast("pduEncoder", encoder)
                                .addLast(new Responder(file));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Reads one PDU off the socket; returns {header(48), data}. Verifies digests if on. */
    private static byte[][] readPdu(DataInputStream in, boolean headerDigest, boolean dataDigest) throws IOException {
        byte[] header = in.readNBytes(48);
        assertEquals(48, header.length);
        if (headerDigest) {
            assertArrayEquals(WirePdu.le(WirePdu.crc(header)), in.readNBytes(4), "header digest");
        }
        int length = ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        byte[] padded = in.readNBytes((length + 3) & ~3);
        if (dataDigest && length > 0) {
            assertArrayEquals(WirePdu.le(WirePdu.crc(padded)), in.readNBytes(4), "data digest");
        }
        return new byte[][] {header, Arrays.copyOf(padded, length)};
    }

    @Test
    void largeWriteEchoesBackThroughBothCodecsWithDigests() throws Exception {
        int port = start(true, true, null);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < 5; i++) {
                byte[] payload = WirePdu.pattern(262144 - i, i);
                byte[] wire = WirePdu.of(0x01).itt(100 + i).data(payload).wire(true, true);
                // Dribble it out in odd-sized writes so PDUs straddle TCP reads.
                for (int at = 0; at < wire.length; at += 65537) {
                    out.write(wire, at, Math.min(65537, wire.length - at));
                    out.flush();
                }
                byte[][] reply = readPdu(in, true, true);
                assertEquals(IscsiOpcode.SCSI_DATA_IN.code(), reply[0][0] & 0x3f);
                assertEquals(100 + i, java.nio.ByteBuffer.wrap(reply[0]).getInt(16));
                assertArrayEquals(payload, reply[1], "PDU " + i);
            }
        }
    }

    @Test
    void fileRegionDataInArrivesIntactWithPadding() throws Exception {
        byte[] content = WirePdu.pattern(100_003, 7);
        Path file = Files.write(dir.resolve("lun.img"), content);
        int port = start(true, false, file);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int length : new int[] {100_003, 1, 4096}) {
                out.write(WirePdu.of(0x40).flags(0x80).itt(length).u32(Bhs.NopOut.CMD_SN, length).wire(true, false));
                out.flush();
                byte[][] reply = readPdu(in, true, false);
                assertEquals(length, java.nio.ByteBuffer.wrap(reply[0]).getInt(16));
                assertArrayEquals(Arrays.copyOf(content, length), reply[1]);
            }
        }
    }
}
