package io.zantara.testing;

import io.zantara.ops.embedded.EmbeddedBackends;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;

import static org.awaitility.Awaitility.await;

/**
 * Stops and restarts the embedded Redis of the test run, for outage tests. The server that the
 * configuration started belongs to another class loader, so the stop is a real {@code SHUTDOWN}
 * over the wire and the restart is a new server on the same port, stopped when the JVM exits.
 */
public final class EmbeddedRedisControl {

    private EmbeddedRedisControl() {
    }

    /** The embedded Redis port; empty when the run uses an external Redis, which is not ours to stop. */
    public static OptionalInt port() {
        return EmbeddedBackends.redisPort();
    }

    public static void stop() throws IOException {
        int port = port().orElseThrow();
        try (Socket socket = new Socket("127.0.0.1", port); OutputStream out = socket.getOutputStream()) {
            out.write("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().read();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(port));
    }

    public static void start() throws IOException {
        int port = port().orElseThrow();
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (IOException ignored) {
                // the JVM is exiting; nothing more to do
            }
        }));
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
