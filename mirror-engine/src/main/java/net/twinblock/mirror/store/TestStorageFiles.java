package net.twinblock.mirror.store;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The factories {@value StorageFiles#TEST_PROPERTY} has named in this JVM, one instance per
 * class, so every file of the JVM goes through the same one and a test can cut its power.
 */
final class TestStorageFiles {

    private static final Logger LOG = System.getLogger(StorageFiles.class.getName());
    private static final Map<String, StorageFiles> BY_NAME = new ConcurrentHashMap<>();

    private TestStorageFiles() {
    }

    static StorageFiles get(String className) {
        return BY_NAME.computeIfAbsent(className, TestStorageFiles::load);
    }

    private static StorageFiles load(String className) {
        Object made;
        try {
            made = Class.forName(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(StorageFiles.TEST_PROPERTY + "=" + className + ": cannot create it: "
                    + e, e);
        }
        if (!(made instanceof StorageFiles files)) {
            throw new IllegalStateException(StorageFiles.TEST_PROPERTY + "=" + className + " is not a "
                    + StorageFiles.class.getName());
        }
        LOG.log(Level.WARNING, "data files go through the test fixture {0} ({1}): not for production",
                className, StorageFiles.TEST_PROPERTY);
        return files;
    }
}
