package net.twinblock.mirror.witness;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import net.twinblock.mirror.store.AtomicFile;

/**
 * The witness's data directory: one small file per pair, {@code pair-<sha256 of the pair id>.state}
 * (a pair id may hold any character; the file names one safely), each replaced atomically and
 * durably with a checksum ({@link AtomicFile}). A lock file keeps a second witness process off the
 * same directory: two witnesses sharing the state but not the leases could grant a promotion while
 * the other still counts a lease as held.
 */
final class StateStore implements AutoCloseable {

    private static final String LOCK = "witness.lock";

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;

    private StateStore(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Creates the directory if missing and locks it. @throws IOException naming the directory */
    static StateStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // this JVM holds it already (a test running two witnesses)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new IOException("another witness process uses the data directory " + dir);
        }
        return new StateStore(dir, ch, l);
    }

    Path dir() {
        return dir;
    }

    /**
     * Every pair's state. A file that cannot be read or trusted stops the witness rather than being
     * skipped: forgetting a pair would let the first node that asks found it again, stale or not.
     */
    Map<String, WitnessState> load() throws IOException {
        Map<String, WitnessState> states = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "pair-*.state")) {
            for (Path f : files) {
                WitnessState s;
                try {
                    s = WitnessState.decode(AtomicFile.read(f));
                } catch (IllegalArgumentException e) {
                    throw new IOException(f + " is damaged: " + e.getMessage());
                }
                if (!file(s.pairId()).getFileName().equals(f.getFileName())) {
                    throw new IOException(f + " holds the state of pair " + s.pairId() + ", which belongs in "
                            + file(s.pairId()).getFileName());
                }
                states.put(s.pairId(), s);
            }
        }
        return states;
    }

    /** Durable when it returns (see {@link AtomicFile}). */
    void save(WitnessState s) throws IOException {
        AtomicFile.write(file(s.pairId()), s.encode());
    }

    private Path file(String pairId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(pairId.getBytes(StandardCharsets.UTF_8));
            return dir.resolve("pair-" + HexFormat.of().formatHex(hash) + ".state");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockFile.close();
        }
    }
}
