package net.twinblock.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogSetupTest {

    private static String format(Level level, String message, Throwable thrown) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("net.twinblock.server.Node");
        r.setInstant(Instant.parse("2026-11-03T10:15:30.123Z"));
        r.setThrown(thrown);
        return new LogSetup.OneLine().format(r);
    }

    @Test
    void aRecordIsOneLineWithIsoTimeLevelShortLoggerAndMessage() {
        assertEquals("2026-11-03T10:15:30.123Z INFO  Node: serving" + System.lineSeparator(),
                format(Level.INFO, "serving", null));
        assertTrue(format(Level.SEVERE, "x", null).contains(" ERROR Node: x"));
        assertTrue(format(Level.WARNING, "x", null).contains(" WARN  Node: x"));
        assertTrue(format(Level.FINE, "x", null).contains(" DEBUG Node: x"));
    }

    @Test
    void exceptionsAndMultiLineMessagesStayOnTheSameLine() {
        String line = format(Level.SEVERE, "flush failed\nsecond line",
                new UncheckedIOException("pwrite", new IOException("Input/output error")));
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("flush failed / second line"), line);
        assertTrue(line.contains("java.io.UncheckedIOException: pwrite"), line);
        assertTrue(line.contains("caused by java.io.IOException: Input/output error"), line);
    }

    @Test
    void underTheJournalALineIsSyslogPriorityThenMessageWithoutTime() {
        LogRecord r = new LogRecord(Level.WARNING, "peer gone");
        r.setLoggerName("net.twinblock.server.Node");
        assertEquals("<4>Node: peer gone" + System.lineSeparator(), new LogSetup.OneLine(true).format(r));
        r.setLevel(Level.SEVERE);
        assertTrue(new LogSetup.OneLine(true).format(r).startsWith("<3>Node: "));
        r.setLevel(Level.INFO);
        assertTrue(new LogSetup.OneLine(true).format(r).startsWith("<6>Node: "));
        r.setLevel(Level.FINE);
        assertTrue(new LogSetup.OneLine(true).format(r).startsWith("<7>Node: "));
    }
}
