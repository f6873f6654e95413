package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Small metadata files (scan cursor, outage bitmap, the witness's pair states) replaced atomically: a reader after a
 * crash sees either the old content or the new one, never a mix. Every file ends with a CRC32C
 * of what precedes it, so a file damaged some other way is recognised rather than trusted.
 */
public final class AtomicFile {

    private static final int CRC_BYTES = 4;

    private AtomicFile() {
    }

    /**
     * Writes {@code body} plus its checksum through {@link StorageFiles#replace}: after a power cut
     * the name points at complete content.
     */
    public static void write(Path file, byte[] body) throws IOException {
        write(StorageFiles.system(), file, body);
    }

    /** {@link #write(Path, byte[])} through {@code files} (a test's power-cut fixture). */
    static void write(StorageFiles files, Path file, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer out = ByteBuffer.allocate(body.length + CRC_BYTES);
        out.put(body).putInt((int) crc.getValue());
        files.replace(file, out.array());
    }

    /**
     * The body of {@code file}, or null if there is no such file.
     *
     * @throws IOException if the file cannot be read, or its checksum does not match (the message
     *     names the file)
     */
    public static byte[] read(Path file) throws IOException {
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
