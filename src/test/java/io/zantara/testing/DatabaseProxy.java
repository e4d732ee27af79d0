package io.zantara.testing;

import io.zantara.ops.embedded.EmbeddedBackends;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of the test run's PostgreSQL (embedded, or the one that
 * {@code QUARKUS_DATASOURCE_REACTIVE_URL} names), so that a test can take the database away from
 * the service and give it back: {@link #cut()} drops every connection and refuses new ones, as a
 * crashed or partitioned database would; {@link #restore()} lets connections through again.
 */
public final class DatabaseProxy {

    private static DatabaseProxy instance;

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final String database;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private DatabaseProxy(String targetHost, int targetPort, String database) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.database = database;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "db-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The one proxy of the test JVM, in front of the run's PostgreSQL. */
    public static synchronized DatabaseProxy get() {
        if (instance == null) {
            try {
                String external = System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL");
                if (external != null && !external.isBlank()) {
                    URI uri = URI.create(external.replaceFirst("^vertx-reactive:", ""));
                    instance = new DatabaseProxy(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1));
                } else {
                    instance = new DatabaseProxy("127.0.0.1", EmbeddedBackends.postgresPort(), "postgres");
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not start the database proxy", e);
            }
        }
        return instance;
    }

    /** Configuration that sends the service's reactive pool and Flyway through the proxy. */
    public Map<String, String> config() {
        String url = "postgresql://127.0.0.1:" + server.getLocalPort() + "/" + database;
        return Map.of("quarkus.datasource.reactive.url", url, "quarkus.datasource.username", username());
    }

    /** The database itself, past the proxy: for a test to count rows while the service is cut off. */
    public String directJdbcUrl() {
        return "jdbc:postgresql://" + targetHost + ":" + targetPort + "/" + database;
    }

    public String username() {
        return System.getenv().getOrDefault("QUARKUS_DATASOURCE_USERNAME", "postgres");
    }

    public synchronized void cut() {
        cut = true;
        open.forEach(DatabaseProxy::closeQuietly);
        open.clear();
    }

    public synchronized void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                synchronized (this) {
                    if (cut) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        continue;
                    }
                    open.add(client);
                    open.add(upstream);
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // a refused upstream or a closed server socket: the client sees its connection drop
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "db-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
