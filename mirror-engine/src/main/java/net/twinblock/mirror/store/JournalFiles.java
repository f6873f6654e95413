package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The journal's segment files beside the volume file: {@code lunN.img.journal.<first entry
 * number, 20 digits>}, so their names sort in entry order and never repeat within a journal's life;
 * and spare segments, {@code lunN.img.journal.spare.<n>}: segments a point covered, kept to be
 * written over as a later segment rather than deleted ({@link JournalSegments}).
 */
final class JournalFiles {

    private static final String SPARE = "spare.";

    private final Path dir;
    private final String prefix;
    private final StorageFiles files;
    /**
     * Entries numbered below this are durable in their segments, names included: the journal
     * thread's last {@link JournalSegments#force}. Read by the point thread, which then owes them
     * no fdatasync of its own.
     */
    private volatile long durableBelow;

    JournalFiles(Path volumeFile, StorageFiles files) {
        Path abs = volumeFile.toAbsolutePath();
        this.dir = abs.getParent();
        this.prefix = abs.getFileName() + ".journal.";
        this.files = files;
    }

    /** Where the segments (and the point record) are written: a test's power-cut fixture, or the system's. */
    StorageFiles storage() {
        return files;
    }

    /** A segment and the entry number it starts at. */
    record Segment(Path path, long first) {
    }

    /** The segments on disk, in entry order. */
    List<Segment> list() throws IOException {
        List<Segment> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString().substring(prefix.length());
                if (n.length() == 20 && n.chars().allMatch(Character::isDigit)) {
                    out.add(new Segment(p, Long.parseLong(n)));
                }
            }
        }
        out.sort(Comparator.comparingLong(Segment::first));
        return out;
    }

    /**
     * Creates the segment that starts at entry {@code first}; its name is durable only after
     * {@link #syncDirectory()}, which the journal owes before it vouches for an entry in it.
     */
    Segment create(long first) throws IOException {
        Path p = segmentPath(first);
        Files.deleteIfExists(p); // a stray of an earlier life, which replay already judged
        Files.createFile(p);
        return new Segment(p, first);
    }

    /** The name of the segment that starts at entry {@code first}. */
    private Path segmentPath(long first) {
        return dir.resolve(prefix + String.format("%020d", first));
    }

    long durableBelow() {
        return durableBelow;
    }

    /** Journal thread, after a force: every entry below {@code next} is durable. */
    void forcedBelow(long next) {
        durableBelow = next;
    }

    /**
     * Makes a covered segment the spare numbered {@code n}; its new name is durable only after
     * {@link #syncDirectory()}, which must come before it is reused.
     */
    Path retire(Segment s, int n) throws IOException {
        Path spare = dir.resolve(prefix + SPARE + n);
        files.move(s.path(), spare);
        return spare;
    }

    /** The segment that starts at entry {@code first}, made of a spare: as {@link #create}. */
    Segment reuse(Path spare, long first) throws IOException {
        Path p = segmentPath(first);
        files.move(spare, p);
        return new Segment(p, first);
    }

    /** Deletes the spares (at open, of an earlier life; at a clean stop, of this one). */
    void deleteSpares() throws IOException {
        List<Path> spares = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + SPARE + "*")) {
            ds.forEach(spares::add);
        }
        for (Path p : spares) {
            files.delete(p);
        }
        if (!spares.isEmpty()) {
            syncDirectory();
        }
    }

    /** Makes the segments' names (creations and deletions so far) durable. */
    void syncDirectory() {
        AtomicReplace.syncDirectory(dir);
    }

    StorageFile open(Segment s) throws IOException {
        return files.open(s.path());
    }

    /** Deletes segments whose entries the volume holds durably. */
    void delete(List<Segment> segments) throws IOException {
        for (Segment s : segments) {
            files.delete(s.path());
        }
        if (!segments.isEmpty()) {
            AtomicReplace.syncDirectory(dir);
        }
    }
}
