package net.twinblock.mirror.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Real files whose writes, or fdatasyncs, fail once a test sets {@link #error} or {@link
 * #forceError}, with the JDK's text for that errno ("No space left on device", "Input/output
 * error"): the faults a test cannot make a real disk produce on demand.
 */
final class FailingFiles implements StorageFiles {
    volatile String error;
    volatile String forceError;

    @Override
    public StorageFile open(Path file) throws IOException {
        StorageFile real = StorageFiles.CHANNELS.open(file);
        return new ForwardingFile(real) {
            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                if (error != null) {
                    throw new IOException(error);
                }
                return super.write(src, position);
            }

            @Override
            public void force() throws IOException {
                if (forceError != null) {
                    throw new IOException(forceError);
                }
                super.force();
            }
        };
    }
}
