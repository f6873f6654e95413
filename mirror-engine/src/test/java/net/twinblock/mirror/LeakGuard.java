package net.twinblock.mirror;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's paranoid leak reports (logged, never thrown) into a failed test class. Netty
 * reports a leak only when the lost buffer was garbage collected and a later allocation looks,
 * so after the class we collect garbage and allocate a little to make it look.
 */
public final class LeakGuard implements BeforeAllCallback, AfterAllCallback {

    private static final Logger NETTY_LEAKS = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()
                    && String.valueOf(record.getMessage()).contains("LEAK")) {
                leaks.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        NETTY_LEAKS.addHandler(handler);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            for (int i = 0; i < 5 && leaks.isEmpty(); i++) {
                System.gc();
                for (int j = 0; j < 100; j++) {
                    ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                    ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(64);
                    a.release();
                    b.release();
                }
            }
        } finally {
            NETTY_LEAKS.removeHandler(handler);
        }
        if (!leaks.isEmpty()) {
            fail("ByteBuf leaks detected:\n" + String.join("\n", leaks));
        }
    }
}
