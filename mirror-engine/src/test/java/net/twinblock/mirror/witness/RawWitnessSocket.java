package net.twinblock.mirror.witness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

/** A blocking socket that speaks witness frames by hand, for tests of what a hostile or broken peer gets. */
final class RawWitnessSocket implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    RawWitnessSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
    }

    void send(WitnessMessage m) throws IOException {
        ByteBuf b = WitnessWire.encode(m);
        try {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            sendBytes(bytes);
        } finally {
            b.release();
        }
    }

    void sendBytes(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next frame, decoded; null once the other side closed. */
    WitnessMessage read() throws IOException {
        byte[] header = new byte[16];
        try {
            in.readFully(header);
        } catch (EOFException | SocketException e) {
            return null; // closed (a reset counts too)
        }
        int length = ByteBuffer.wrap(header).getInt() & 0xfffff;
        byte[] frame = new byte[16 + length];
        System.arraycopy(header, 0, frame, 0, 16);
        in.readFully(frame, 16, length);
        EmbeddedChannel decoder = new EmbeddedChannel(new WitnessFrameDecoder());
        try {
            decoder.writeInbound(Unpooled.wrappedBuffer(frame));
            return decoder.readInbound();
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
