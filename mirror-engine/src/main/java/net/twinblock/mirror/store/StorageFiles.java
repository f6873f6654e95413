package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Opens the engine's data files as {@link StorageFile}s. Production uses {@link #CHANNELS}.
 *
 * <p>Tests of power loss set the JVM system property {@value #TEST_PROPERTY} to the class name
 * of another implementation (public, with a public no-argument constructor), which then opens
 * every data file of this JVM: one instance per class, so a test can reach it to cut the power.
 * No config key leads here; only a {@code -D} on the java command line does.
 */
public interface StorageFiles {

    /** System property naming a test's factory class. */
    String TEST_PROPERTY = "twinblock.test.storage-files";

    /** Plain FileChannels: writes go to the kernel's page cache, force() is fdatasync. */
    StorageFiles CHANNELS = ChannelFile::open;

    /** Opens an existing file for reading and writing. */
    StorageFile open(Path file) throws IOException;

    /**
     * Replaces a small file's whole content atomically and durably (see {@link AtomicReplace}):
     * the pair metadata, a record file's layout, a scan cursor. A power-cut fixture refuses it
     * while a node's power is off, so nothing a dead node's threads still run reaches its disk.
     */
    default void replace(Path file, byte[] content) throws IOException {
        AtomicReplace.write(file, content);
    }

    /** Deletes a small file if it exists; refused like {@link #replace} while the power is off. */
    default void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /**
     * Renames a file (the journal's segments, reused): its content and page cache go with it,
     * and the new name is durable once its directory is synced.
     */
    default void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The factory this JVM's data files go through: {@link #CHANNELS} unless {@value
     * #TEST_PROPERTY} names another. Read at every open (opens are rare), so a test may set it.
     *
     * @throws IllegalStateException if the named class cannot be loaded or is no factory
     */
    static StorageFiles system() {
        String name = System.getProperty(TEST_PROPERTY);
        return name == null || name.isBlank() ? CHANNELS : TestStorageFiles.get(name.strip());
    }
}
