package net.twinblock.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The witness's client as the node jar ships it (mirror-engine's WitnessClient and the jar's own
 * Netty), loaded from target-server.jar in a class loader of its own and called by reflection: these
 * tests compile against no engine class, and this way the very bytes under test talk to the witness.
 * Until the nodes use the witness, this client is its only one.
 */
final class JarWitnessClient implements AutoCloseable {

    private static final String WITNESS = "net.twinblock.mirror.witness.";
    private static ClassLoader jar;

    /** An answer as the tests read it: the enum values by name, null where the witness shows no state. */
    record Answer(String verdict, long epoch, String primary, String peerState, long leaseRemainingNanos) {
        boolean granted() {
            return verdict.equals("GRANTED");
        }
    }

    /** A call that got no answer: the client's exception's simple name and message. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final String type;

        Failed(Throwable cause) {
            super(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            this.type = cause.getClass().getSimpleName();
        }
    }

    private final Object group;
    private final Object client;

    JarWitnessClient(int port, String key) {
        try {
            Object factory = load("io.netty.channel.nio.NioIoHandler").getMethod("newFactory").invoke(null);
            group = load("io.netty.channel.MultiThreadIoEventLoopGroup")
                    .getConstructor(int.class, load("io.netty.channel.IoHandlerFactory")).newInstance(1, factory);
            Class<?> settingsClass = load(WITNESS + "WitnessClientSettings");
            Object settings = settingsClass.getConstructor(Duration.class, Duration.class, Duration.class, Duration.class)
                    .newInstance(Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMillis(50),
                            Duration.ofMillis(500));
            client = load(WITNESS + "WitnessClient").getConstructor(InetSocketAddress.class, byte[].class, settingsClass,
                    load("io.netty.channel.EventLoopGroup"), Class.class).newInstance(new InetSocketAddress("127.0.0.1",
                    port), key.getBytes(StandardCharsets.US_ASCII), settings,
                    group, load("io.netty.channel.socket.nio.NioSocketChannel"));
            invoke(client, "start");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the node jar's WitnessClient is not what this test expects", e);
        }
    }

    private static synchronized Class<?> load(String name) throws ClassNotFoundException {
        if (jar == null) {
            try {
                jar = new URLClassLoader(new URL[] {NodeProcess.jar().toUri().toURL()},
                        ClassLoader.getPlatformClassLoader());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return Class.forName(name, true, jar);
    }

    private static Object invoke(Object target, String name, Object... args) throws ReflectiveOperationException {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                return m.invoke(target, args);
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + " with " + args.length + " arguments");
    }

    boolean connected() {
        try {
            return (Boolean) invoke(client, "connected");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Calls {@code renewLease}, {@code requestPromotion}, {@code query} ... with {@code args} and
     * waits for the answer.
     *
     * @throws Failed if the call got no answer (not connected, connection lost, time-out)
     */
    Answer call(String method, Object... args) throws Failed {
        try {
            CompletableFuture<?> f = (CompletableFuture<?>) invoke(client, method, args);
            Object a = f.get(30, TimeUnit.SECONDS);
            Object peer = invoke(a, "peerState");
            return new Answer(invoke(a, "verdict").toString(), (Long) invoke(a, "epoch"), (String) invoke(a, "primary"),
                    peer == null ? null : peer.toString(), (Long) invoke(a, "leaseRemainingNanos"));
        } catch (ExecutionException e) {
            throw new Failed(e.getCause());
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(method + " threw", e.getCause());
        } catch (ReflectiveOperationException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " neither answered nor failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            invoke(client, "close");
            invoke(group, "shutdownGracefully", 0L, 1L, TimeUnit.SECONDS);
            invoke(group, "awaitTermination", 10L, TimeUnit.SECONDS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
