package net.twinblock.server.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * sd_notify(3) for {@code Type=notify}: one datagram to the Unix socket named by
 * {@code NOTIFY_SOCKET}. The JDK 17 has no Unix datagram channel, so the three libc calls go
 * through JNA, which the engine already ships; calling the {@code systemd-notify} tool instead
 * would send from a child process, which systemd ignores under {@code NotifyAccess=main}.
 * Without {@code NOTIFY_SOCKET} (not under systemd) every method does nothing.
 */
public final class SystemdNotifier {

    private static final Logger LOG = System.getLogger(SystemdNotifier.class.getName());

    private final String socket;
    private final long watchdogMicros;
    private ScheduledExecutorService watchdog;

    private SystemdNotifier(String socket, long watchdogMicros) {
        this.socket = socket;
        this.watchdogMicros = watchdogMicros;
    }

    /** From the environment systemd gives the service. */
    public static SystemdNotifier fromEnvironment() {
        return from(System.getenv());
    }

    static SystemdNotifier from(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        long watchdog = 0;
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec != null && (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            try {
                watchdog = Long.parseLong(usec);
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, "ignoring WATCHDOG_USEC=" + usec + ": not a number");
            }
        }
        return new SystemdNotifier(socket == null || socket.isEmpty() ? null : socket, watchdog);
    }

    /** Every listener is bound: systemd may start what comes after this unit. */
    public void ready() {
        send("READY=1\nSTATUS=serving");
        if (socket != null && watchdogMicros > 0) {
            // Ping at half the interval, as sd_watchdog_enabled(3) advises.
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "systemd-watchdog");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, watchdogMicros / 2);
            watchdog.scheduleAtFixedRate(() -> send("WATCHDOG=1"), period, period, TimeUnit.MICROSECONDS);
        }
    }

    /** The node drains in-flight commands and stops. */
    public void stopping() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        send("STOPPING=1\nSTATUS=draining");
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            Datagram.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (LastErrorException | UnsatisfiedLinkError | IllegalArgumentException e) {
            // Not fatal: systemd times the start out and says so; the node itself works.
            LOG.log(Level.WARNING, "cannot notify systemd at " + socket + ": " + e.getMessage());
        }
    }

    /** socket(2), sendto(2) and close(2) on an AF_UNIX datagram socket. */
    static final class Datagram {
        private static final int AF_UNIX = 1;
        private static final int SOCK_DGRAM = 2;
        private static final int SOCK_CLOEXEC = 0x80000;
        private static final int MSG_NOSIGNAL = 0x4000;
        /** sizeof(sun_path) on Linux. */
        private static final int PATH_MAX = 108;

        interface Libc extends Library {
            int socket(int domain, int type, int protocol) throws LastErrorException;

            NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen)
                    throws LastErrorException;

            int close(int fd) throws LastErrorException;
        }

        private Datagram() {
        }

        static void send(String path, byte[] message) {
            byte[] addr = sockaddr(path);
            Libc libc = Holder.LIBC;
            int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            try {
                libc.sendto(fd, message, new NativeLong(message.length), MSG_NOSIGNAL, addr, addr.length);
            } finally {
                libc.close(fd);
            }
        }

        /** struct sockaddr_un; a leading '@' names an abstract socket (a NUL byte on the wire). */
        static byte[] sockaddr(String path) {
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            boolean abstractName = name.length > 0 && name[0] == '@';
            if (abstractName) {
                name[0] = 0;
            }
            if (name.length >= PATH_MAX) {
                throw new IllegalArgumentException("socket path longer than " + (PATH_MAX - 1) + " bytes");
            }
            // Abstract names are exactly their bytes; file names end with a NUL.
            ByteBuffer b = ByteBuffer.allocate(2 + name.length + (abstractName ? 0 : 1)).order(ByteOrder.nativeOrder());
            b.putShort((short) AF_UNIX).put(name);
            return b.array();
        }

        /** Loaded on first use, so a node off systemd never touches native code for this. */
        private static final class Holder {
            static final Libc LIBC = Native.load("c", Libc.class);
        }
    }
}
