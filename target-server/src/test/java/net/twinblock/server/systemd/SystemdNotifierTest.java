package net.twinblock.server.systemd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The address bytes; the datagrams themselves are received in it-tests' SystemdNotifyTest. */
class SystemdNotifierTest {

    @Test
    void pathSocketIsFamilyThenNulTerminatedPath() {
        byte[] a = SystemdNotifier.Datagram.sockaddr("/run/x");
        assertEquals(1, ByteBuffer.wrap(a).order(ByteOrder.nativeOrder()).getShort());
        assertArrayEquals(new byte[] {'/', 'r', 'u', 'n', '/', 'x', 0}, java.util.Arrays.copyOfRange(a, 2, a.length));
    }

    @Test
    void abstractSocketStartsWithNulAndHasNoTerminator() {
        byte[] a = SystemdNotifier.Datagram.sockaddr("@sd");
        assertArrayEquals(new byte[] {0, 's', 'd'}, java.util.Arrays.copyOfRange(a, 2, a.length));
    }

    @Test
    void overlongPathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SystemdNotifier.Datagram.sockaddr("/" + "x".repeat(107)));
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        SystemdNotifier n = SystemdNotifier.from(Map.of());
        n.ready();
        n.stopping();
    }
}
