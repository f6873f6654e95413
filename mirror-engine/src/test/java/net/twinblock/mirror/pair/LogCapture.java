package net.twinblock.mirror.pair;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the formatted log lines of the engine (pair and link packages) (System.Logger goes to java.util.logging). */
final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("net.twinblock.mirror");
    final List<String> lines = new CopyOnWriteArrayList<>();

    LogCapture() {
        logger.addHandler(this);
    }

    boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    @Override
    public void publish(LogRecord r) {
        String msg = r.getMessage();
        Object[] params = r.getParameters();
        if (params != null) {
            msg = java.text.MessageFormat.format(msg, params);
        }
        lines.add(msg);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
