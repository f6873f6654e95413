package net.twinblock.mirror.resync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Small metadata files (scan cursor, generation history) replaced atomically: a reader after a
 * crash sees either the old content or the new one, never a mix. Every file ends with a CRC32C
 * of what precedes it, so a file damaged some other way is recognised rather than trusted.
 */
final class AtomicFile {

    private static final int CRC_BYTES = 4;

    private AtomicFile() {
    }

    /**
     * Writes {@code body} plus its checksum to a temporary file, makes it durable, renames it over
     * {@code file} and makes the rename durable (fsync of the directory): after a power cut the
     * name points at complete content.
     */
    static void write(Path file, byte[] body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(abs.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer out = ByteBuffer.allocate(body.length + CRC_BYTES);
        out.put(body).putInt((int) crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync a directory; the rename is then as durable
            // as that file system makes it, which is all we can ask of it.
        }
    }

    /**
     * The body of {@code file}, or null if there is no such file.
     *
     * @throws IOException if the file cannot be read, or its checksum does not match (the message
     *     names the file)
     */
    static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < CRC_BYTES) {
            throw new IOException(file + " is truncated (" + all.length + " bytes)");
        }
        int bodyLength = all.length - CRC_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(all, 0, bodyLength);
        int stored = ByteBuffer.wrap(all, bodyLength, CRC_BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new IOException(file + " is damaged: its checksum does not match its content");
        }
        byte[] body = new byte[bodyLength];
        System.arraycopy(all, 0, body, 0, bodyLength);
        return body;
    }
}
