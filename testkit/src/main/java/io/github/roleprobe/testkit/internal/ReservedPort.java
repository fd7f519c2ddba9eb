package io.github.roleprobe.testkit.internal;

import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback TCP port kept by a socket that is bound but never listens or connects, for an endpoint that
 * is sometimes served and sometimes absent (connections refused) on one fixed port.
 *
 * <p>While the port is held, a connection to it is refused (no socket listens, so the kernel answers the
 * SYN with a reset), and the kernel gives the port to no one else: not as the ephemeral port of an
 * outgoing connection (Linux skips ports that have a bound socket), not to a bind to port 0. The holder
 * sets {@code SO_REUSEADDR}, as the JDK's server sockets do outside Windows, so that on Linux a
 * {@link LoopbackServer} can bind and listen on the port while the holder stays bound (Linux allows a
 * listener next to bound sockets that do not listen when all of them set {@code SO_REUSEADDR}): the port
 * is never free, whatever the mode changes. Where the OS refuses that shared bind (BSD-derived systems
 * such as macOS want {@code SO_REUSEPORT} for it; Windows binds exclusively) {@link #serve} closes the
 * holder first and binds at once, and {@link #retake} binds it again after the server stopped; there, and
 * only there, another process could take the port in between. What a held port cannot stop is another process binding this exact port number itself with
 * {@code SO_REUSEADDR} (a fixed or guessed port), which no code in this project does.
 *
 * <p>Not thread-safe: its owner synchronizes.
 */
public final class ReservedPort implements AutoCloseable {

    private final int port;
    private Socket holder;

    private ReservedPort(Socket holder) {
        this.holder = holder;
        this.port = holder.getLocalPort();
    }

    /**
     * @return a newly reserved port on 127.0.0.1, chosen by the kernel
     * @throws UncheckedIOException if no port can be bound
     */
    public static ReservedPort reserve() {
        return new ReservedPort(bind(0));
    }

    /** @return the port number */
    public int port() {
        return port;
    }

    /**
     * Starts a server on this port.
     *
     * @param name    thread name prefix
     * @param threads the most requests handled at once
     * @param handler handles every path
     * @return the running server; closing it leaves the port reserved on Linux, else call {@link #retake}
     * @throws UncheckedIOException if the port cannot be bound
     */
    public LoopbackServer serve(String name, int threads, HttpHandler handler) {
        try {
            return LoopbackServer.start(name, port, threads, handler);
        } catch (UncheckedIOException e) {
            if (holder == null || !(e.getCause() instanceof BindException)) {
                throw e;
            }
        }
        closeHolder();
        return LoopbackServer.start(name, port, threads, handler);
    }

    /**
     * Holds the port again after the server of {@link #serve} stopped, where it had to let it go. No-op while
     * the port is held.
     *
     * @throws UncheckedIOException if another process took the port meanwhile
     */
    public void retake() {
        if (holder == null) {
            holder = bind(port);
        }
    }

    /** Releases the port. Idempotent. */
    @Override
    public void close() {
        closeHolder();
    }

    private void closeHolder() {
        if (holder != null) {
            try {
                holder.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
            holder = null;
        }
    }

    private static Socket bind(int port) {
        Socket s = new Socket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s;
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot reserve 127.0.0.1:" + port, e);
        }
    }
}
