package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the engine replaces a small file (metadata, record layout, scan cursor, bitmap):
 * temporary file, fdatasync, atomic rename, fsync of the directory. A reader after a crash or a
 * power cut sees the old content or the new one, never a mix, and once this returns the new
 * content survives a power cut.
 */
final class AtomicReplace {

    private AtomicReplace() {
    }

    static void write(Path file, byte[] content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(abs.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer out = ByteBuffer.wrap(content);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir); // the rename itself must survive a power cut
    }

    /** fsync of a directory, so a file created, renamed or deleted in it survives a power cut. */
    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the change is then as durable
            // as that file system makes it, which is all we can ask of it.
        }
    }
}
