package net.twinblock.server;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes System.Logger (backed by java.util.logging in the JDK) to stderr, one line per record:
 * {@code 2026-11-03T10:15:30.123Z INFO  Node: serving ...}. One line per record so grep, journald
 * and the test harness see whole events; an exception is summarised on the same line (type,
 * message, the frame that threw, and its causes) rather than as a multi-line stack trace.
 * Under systemd (stderr is the journal: {@code JOURNAL_STREAM} is set) a line starts instead with
 * its syslog priority, {@code <6>Node: serving ...}, and no time: journald adds its own and
 * files the level as the entry's priority (sd-daemon(3)).
 */
public final class LogSetup {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    private LogSetup() {
    }

    /** Replaces the JDK's default console logging. Idempotent. */
    public static void install(PrintStream stream) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    // One print call per record: lines from several threads never interleave.
                    stream.print(getFormatter().format(record));
                    stream.flush();
                }
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                stream.flush();
            }
        };
        h.setFormatter(new OneLine(System.getenv("JOURNAL_STREAM") != null));
        h.setLevel(Level.ALL);
        root.addHandler(h);
        root.setLevel(Level.INFO);
    }

    /** Sets the least severe level printed: debug, info, warning or error (config key log.level). */
    public static void setLevel(String level) {
        Logger.getLogger("").setLevel(switch (level) {
            case "debug" -> Level.FINE;
            case "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        });
        // Netty logs its internals at DEBUG through JUL too; keep it quiet unless asked.
        Logger.getLogger("io.netty").setLevel("debug".equals(level) ? Level.FINE : Level.INFO);
    }

    /** The one-line format. */
    static final class OneLine extends Formatter {
        private final boolean journal;

        OneLine() {
            this(false);
        }

        /** {@code journal}: the priority prefix journald reads, and no timestamp. */
        OneLine(boolean journal) {
            this.journal = journal;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(160);
            if (journal) {
                line.append('<').append(syslogPriority(r.getLevel())).append('>');
            } else {
                line.append(TIME.format(Instant.ofEpochMilli(r.getMillis()).atOffset(ZoneOffset.UTC)));
                line.append(' ').append(levelName(r.getLevel())).append(' ');
            }
            line.append(shortName(r.getLoggerName())).append(": ");
            line.append(flatten(formatMessage(r)));
            Throwable t = r.getThrown();
            for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
                line.append(depth == 0 ? " | " : " <- caused by ").append(t.getClass().getName());
                if (t.getMessage() != null) {
                    line.append(": ").append(flatten(t.getMessage()));
                }
                StackTraceElement[] st = t.getStackTrace();
                if (st.length > 0) {
                    line.append(" at ").append(st[0]);
                }
            }
            return line.append(System.lineSeparator()).toString();
        }

        private static String levelName(Level level) {
            int v = level.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (v >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (v >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return "DEBUG";
        }

        /** err 3, warning 4, info 6, debug 7. */
        private static int syslogPriority(Level level) {
            int v = level.intValue();
            return v >= Level.SEVERE.intValue() ? 3 : v >= Level.WARNING.intValue() ? 4 : v >= Level.INFO.intValue() ? 6 : 7;
        }

        private static String shortName(String logger) {
            if (logger == null || logger.isEmpty()) {
                return "root";
            }
            return logger.substring(logger.lastIndexOf('.') + 1);
        }

        private static String flatten(String s) {
            return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace("\r", "").replace("\n", " / ");
        }
    }
}
