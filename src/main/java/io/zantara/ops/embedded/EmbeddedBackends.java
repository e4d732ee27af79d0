package io.zantara.ops.embedded;

import org.jboss.logging.Logger;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Starts the embedded PostgreSQL and Redis at most once per JVM and stops them when the JVM exits.
 *
 * <p>Dev-mode restarts and test profiles build the configuration again in fresh class loaders, so
 * "already started" is remembered in JVM-wide system properties rather than in a static field: a
 * second configuration build reuses the running servers instead of starting new ones.
 */
public final class EmbeddedBackends {

    static final String PG_PORT = "zantara.embedded.postgres.port";
    static final String REDIS_PORT = "zantara.embedded.redis.port";

    private static final Logger LOG = Logger.getLogger(EmbeddedBackends.class);

    private EmbeddedBackends() {
    }

    /** The configuration that points the service at the embedded servers, starting them if needed. */
    static synchronized Map<String, String> start(boolean postgres, boolean redisWanted) {
        Map<String, String> config = new HashMap<>();
        if (postgres) {
            int port = portOf(PG_PORT, EmbeddedBackends::startPostgres);
            config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/postgres");
            config.put("quarkus.datasource.username", "postgres");
        }
        if (redisWanted) {
            int port = portOf(REDIS_PORT, EmbeddedBackends::startRedis);
            config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
        }
        return config;
    }

    /** The port of the embedded PostgreSQL, started if it is not yet: for tests that put a proxy in front of it. */
    public static synchronized int postgresPort() {
        return portOf(PG_PORT, EmbeddedBackends::startPostgres);
    }

    /** The port of the embedded Redis, for tests that stop and restart it; empty when Redis is external. */
    public static OptionalInt redisPort() {
        String port = System.getProperty(REDIS_PORT);
        return port == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(port));
    }

    private interface Starter {
        int start(int port) throws IOException;
    }

    private static int portOf(String property, Starter starter) {
        String known = System.getProperty(property);
        if (known != null) {
            return Integer.parseInt(known);
        }
        try {
            int port = starter.start(freePort());
            System.setProperty(property, Integer.toString(port));
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start an embedded backend (" + property + ")", e);
        }
    }

    private static int startPostgres(int port) throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "embedded-postgres-stop"));
        return port;
    }

    private static int startRedis(int port) throws IOException {
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server), "embedded-redis-stop"));
        LOG.infof("Embedded Redis listening on 127.0.0.1:%d", port);
        return port;
    }

    private static void stopQuietly(RedisServer server) {
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("Embedded Redis did not stop cleanly", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
