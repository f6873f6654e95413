package net.twinblock.mirror.store;

/**
 * {@link VolatileFiles} selected for every data file this JVM opens until {@link #close()}, which
 * puts back whatever factory was selected before: the set-up and tear-down of every in-JVM
 * power-cut test, said once.
 */
public final class SelectedFiles implements AutoCloseable {

    private final String previous;
    private final VolatileFiles files;

    private SelectedFiles() {
        previous = System.getProperty(StorageFiles.TEST_PROPERTY);
        System.setProperty(StorageFiles.TEST_PROPERTY, VolatileFiles.CLASS_NAME);
        files = (VolatileFiles) StorageFiles.system();
    }

    public static SelectedFiles volatileFiles() {
        return new SelectedFiles();
    }

    /** The fixture's one instance: where a test cuts the power. */
    public VolatileFiles files() {
        return files;
    }

    @Override
    public void close() {
        if (previous == null) {
            System.clearProperty(StorageFiles.TEST_PROPERTY);
        } else {
            System.setProperty(StorageFiles.TEST_PROPERTY, previous);
        }
    }
}
