package io.github.roleprobe.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of one {@link LoopbackServer} that rewrites the {@code Date} header of
 * every HTTP/1.1 response to a given clock. The JDK's HTTP server always stamps {@code Date} with the
 * real time; a service whose clock is off must report its own time there, because that is what the
 * AWS SDKs compare their clock with to correct clock skew. Requests pass through unchanged; responses
 * are framed by {@code Content-Length} or chunked encoding (responses to {@code HEAD} are not
 * supported). Two daemon threads per connection. Thread-safe.
 */
public final class DateHeaderProxy implements AutoCloseable {

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final int backendPort;
    private final Clock clock;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DateHeaderProxy(ServerSocket listener, int backendPort, Clock clock, String name) {
        this.listener = listener;
        this.backendPort = backendPort;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts listening on an ephemeral 127.0.0.1 port.
     *
     * @param name        thread name prefix
     * @param backendPort the 127.0.0.1 port to forward to
     * @param clock       the clock whose time every response's {@code Date} header reports
     * @return the running proxy
     * @throws UncheckedIOException if no port can be bound
     */
    public static DateHeaderProxy start(String name, int backendPort, Clock clock) {
        try {
            ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            DateHeaderProxy proxy = new DateHeaderProxy(listener, backendPort, clock, name);
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** @return the port the proxy listens on */
    public int port() {
        return listener.getLocalPort();
    }

    /** Stops listening and closes every open connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                sockets.add(client);
                sockets.add(backend);
                threads.execute(() -> requests(client, backend));
                threads.execute(() -> responses(backend, client));
            } catch (IOException | RuntimeException e) {
                closeQuietly(client);
            }
        }
    }

    private void requests(Socket client, Socket backend) {
        try {
            client.getInputStream().transferTo(backend.getOutputStream());
            backend.shutdownOutput(); // the client half-closed: pass that on, keep the answer's way open
        } catch (IOException e) {
            closeBoth(client, backend);
        }
    }

    private void responses(Socket backend, Socket client) {
        try {
            InputStream in = backend.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                long length = forward(head, out);
                if (length == -2) {
                    copyChunked(in, out);
                } else if (length == -1) {
                    in.transferTo(out);
                    break;
                } else {
                    copy(in, out, length);
                }
                out.flush();
            }
        } catch (IOException e) {
            // a side went away
        } finally {
            closeBoth(client, backend);
        }
    }

    /**
     * Writes the response head with its {@code Date} replaced.
     *
     * @return the body length, -2 for chunked, -1 for "until the connection closes"
     */
    private long forward(byte[] head, OutputStream out) throws IOException {
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", -1);
        StringBuilder rewritten = new StringBuilder();
        long length = -1;
        boolean chunked = false;
        int status = lines[0].length() >= 12 ? parseStatus(lines[0]) : 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (i > 0 && lower.startsWith("date:")) {
                continue;
            }
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
            rewritten.append(line).append("\r\n");
            if (i == 0) {
                rewritten.append("Date: ").append(HTTP_DATE.format(clock.instant())).append("\r\n");
            }
        }
        rewritten.append("\r\n");
        out.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        if ((status >= 100 && status < 200) || status == 204 || status == 304) {
            return 0;
        }
        return chunked ? -2 : length;
    }

    private static int parseStatus(String statusLine) {
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** @return the bytes up to and including the blank line, or null at end of stream before any byte */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a response head");
            }
            head.write(b);
            if (head.size() > MAX_HEADER_BYTES) {
                throw new IOException("response head too large");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size + 2);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("connection closed inside a chunked body");
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buffer = new byte[8192];
        long left = n;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("connection closed inside a response body");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
