package net.twinblock.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.twinblock.it.client.IscsiConnection;
import net.twinblock.it.client.ScsiResult;

/**
 * Writes and reads LUN 0 of one pair node with the raw test initiator, with the patterns the
 * pair tests use: every write's content depends on where it goes and on a sequence number, so a
 * block that holds another write's data, or stale data, is told apart.
 */
final class PairClient implements AutoCloseable {

    static final int BLOCK = 512;
    /** The LUN size PairProcesses gives both nodes (NodeProcess's default LUN 0). */
    static final long LUN_BYTES = 64L * 1024 * 1024;

    private final IscsiConnection connection;

    private PairClient(IscsiConnection connection) {
        this.connection = connection;
    }

    /** Logs in to LUN 0 of {@code node} and clears the power-on unit attention. */
    static PairClient login(NodeProcess node, String initiator) throws IOException {
        IscsiConnection c = IscsiConnection.login(node.host(), node.iscsiPort(), initiator, node.iqn());
        try {
            c.awaitUnitReady(0);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return new PairClient(c);
    }

    IscsiConnection connection() {
        return connection;
    }

    /** Distinct content for a write at {@code lba} with sequence {@code seq}. */
    static byte[] pattern(long lba, long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        long x = (lba + 1) * 0x9E3779B97F4A7C15L ^ (seq << 17) ^ 0x5EED;
        while (b.remaining() >= 8) {
            b.putLong(x);
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return b.array();
    }

    /** A command that a unit attention stopped is sent again, as a host's SCSI layer does. */
    private interface Command {
        ScsiResult run() throws IOException;
    }

    private static ScsiResult pastUnitAttentions(Command command) throws IOException {
        ScsiResult r = command.run();
        for (int i = 0; i < 4 && r.senseKey() == 0x06; i++) {
            r = command.run();
        }
        return r;
    }

    /** WRITE(16), sent again after a unit attention; throws unless GOOD. */
    void write(long lba, byte[] data, boolean fua) throws IOException {
        ScsiResult r = pastUnitAttentions(() -> connection.write16(0, lba, data, BLOCK, fua));
        if (!r.good()) {
            throw new IOException("WRITE(16) of " + data.length + " bytes at LBA " + lba + " failed: " + r);
        }
    }

    /** READ(16), sent again after a unit attention; throws unless GOOD. */
    byte[] read(long lba, int bytes) throws IOException {
        ScsiResult r = pastUnitAttentions(() -> connection.read16(0, lba, bytes / BLOCK, BLOCK));
        if (!r.good() || r.data().length != bytes) {
            throw new IOException("READ(16) of " + bytes + " bytes at LBA " + lba + " failed: " + r);
        }
        return r.data();
    }

    void synchronizeCache() throws IOException {
        ScsiResult r = pastUnitAttentions(() -> connection.synchronizeCache16(0));
        if (!r.good()) {
            throw new IOException("SYNCHRONIZE CACHE(16) failed: " + r);
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
