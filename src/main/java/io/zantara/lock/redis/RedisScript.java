package io.zantara.lock.redis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from the class path, called by SHA. A {@code NOSCRIPT} answer (Redis restarted or
 * flushed its script cache) is met by one plain {@code EVAL}, which also loads the script again.
 * Scripts are resources, so a native build must include them ({@code quarkus.native.resources.includes}).
 */
public final class RedisScript {

    private final String source;
    private final String sha;

    private RedisScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    public Uni<Response> call(Redis redis, List<String> keys, List<String> args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args))
                .onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.send(request(Command.EVAL, source, keys, args)));
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    /** @param resource the script's class-path resource, for example {@code /lock/acquire.lua} */
    public static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
