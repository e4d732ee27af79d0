package io.zantara.ops.embedded;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * In the dev and test profiles, points the service at an embedded PostgreSQL and Redis for each
 * backend that is not configured otherwise (for example through {@code QUARKUS_DATASOURCE_REACTIVE_URL}
 * or {@code QUARKUS_REDIS_HOSTS}). In any other profile it does nothing, and it never touches the
 * embedded libraries there: they are {@code provided} dependencies, absent from the packaged service.
 */
public final class EmbeddedBackendsConfigSourceFactory implements ConfigSourceFactory {

    /** Below application.properties (250), environment (300) and system properties (400). */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        if (!devOrTest || "false".equalsIgnoreCase(valueOf(context, "zantara.embedded.enabled"))) {
            return List.of();
        }
        boolean postgres = valueOf(context, "quarkus.datasource.reactive.url") == null;
        boolean redis = valueOf(context, "quarkus.redis.hosts") == null;
        if (!postgres && !redis) {
            return List.of();
        }
        Map<String, String> config = EmbeddedBackends.start(postgres, redis);
        return List.of(new MapBackedConfigSource("zantara-embedded-backends", config, ORDINAL) {
        });
    }

    private static String valueOf(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }
}
