package net.twinblock.mirror.resync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Keeps a node's {@link GenerationHistory} in a small file, replaced atomically with a checksum.
 * Every change is durable before {@link #update} returns: a node that took writes under a new
 * generation must still claim it after a crash, or a split brain could go unnoticed.
 *
 * <p>A damaged file is an error, never silently replaced by a fresh history: guessing the
 * generation could let stale data overwrite newer data.
 */
public final class GenerationStore {

    private static final Logger LOG = System.getLogger(GenerationStore.class.getName());
    private static final byte[] MAGIC = {'T', 'B', 'G', '1'};

    private final Path file;
    private GenerationHistory history;

    private GenerationStore(Path file, GenerationHistory history) {
        this.file = file;
        this.history = history;
    }

    /**
     * Loads the history, or starts with {@link GenerationHistory#none()} if the file does not
     * exist (a new node). The loaded history never has its bitmap in memory: that bitmap died
     * with the previous process.
     *
     * @throws UncheckedIOException naming the file if it exists but is damaged or unreadable
     */
    public static GenerationStore open(Path file) {
        try {
            byte[] body = AtomicFile.read(file);
            if (body == null) {
                LOG.log(Level.INFO, "no data generation file {0}: this node holds no known data yet", file);
                return new GenerationStore(file, GenerationHistory.none());
            }
            if (body.length != MAGIC.length + GenerationHistory.ENCODED_LENGTH
                    || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IOException(file + " is not a data generation file");
            }
            GenerationHistory h = GenerationHistory.decode(Arrays.copyOfRange(body, MAGIC.length, body.length));
            LOG.log(Level.INFO, "data generations: {0}", h.describe());
            return new GenerationStore(file, h.withoutBitmapInMemory());
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("cannot read data generation file " + file + ": "
                    + e.getMessage() + "; refusing to guess which data this node holds", e));
        }
    }

    public synchronized GenerationHistory get() {
        return history;
    }

    /**
     * Applies {@code change}, makes the result durable, and returns it. If writing fails the
     * history in memory stays as it was and the exception says why.
     */
    public synchronized GenerationHistory update(UnaryOperator<GenerationHistory> change) throws IOException {
        GenerationHistory next = change.apply(history);
        if (next.equals(history)) {
            return history;
        }
        ByteBuffer body = ByteBuffer.allocate(MAGIC.length + GenerationHistory.ENCODED_LENGTH);
        body.put(MAGIC).put(next.encode());
        AtomicFile.write(file, body.array());
        LOG.log(Level.INFO, "data generations now {0}", next.describe());
        history = next;
        return next;
    }

    public Path file() {
        return file;
    }
}
