package io.zantara.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** Request body limits ({@code zantara.http.*}); see {@link BodyLimits}. */
@ConfigMapping(prefix = "zantara.http")
public interface HttpConfig {

    /** The largest body of every route but the large-body ones. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /**
     * The largest body of the large-body routes. Keep {@code quarkus.http.limits.max-body-size}
     * above it: that is Quarkus' own backstop, which answers with an empty body.
     */
    @WithDefault("24M")
    MemorySize maxLargeBodySize();

    /**
     * Routes whose valid requests need more than {@link #maxBodySize()} (a conversation of 500
     * messages, a batch of large documents). A {@code *} stands for one path segment.
     */
    @WithDefault("/api/conversations/save,/api/collections/*/documents")
    List<String> largeBodyPaths();
}
