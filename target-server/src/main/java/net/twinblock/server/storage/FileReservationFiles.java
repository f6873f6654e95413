package net.twinblock.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import net.twinblock.iscsi.reservation.ReservationFiles;
import net.twinblock.mirror.store.StorageFiles;

/**
 * The frontend's APTPL files: {@code <data.dir>/lun<N>.pr}, replaced atomically and durably
 * through the engine's {@link StorageFiles} like every other small file of a node (so a
 * power-cut test's file layer sees them too).
 */
public final class FileReservationFiles implements ReservationFiles {

    private final Path dir;

    public FileReservationFiles(Path dir) {
        this.dir = dir;
    }

    private Path file(int lun) {
        return dir.resolve("lun" + lun + ".pr");
    }

    @Override
    public Optional<byte[]> read(int lun) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file(lun)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void replace(int lun, byte[] content) throws IOException {
        StorageFiles.system().replace(file(lun), content);
    }
}
