package io.zantara.lock;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How lock keys appear as metric labels ({@code zantara.metrics.user-label.*}): user ids and
 * collection names are unbounded, Prometheus series must not be.
 */
@ConfigMapping(prefix = "zantara.metrics.user-label")
public interface MetricsLabelConfig {

    /** Distinct label values per family; keys beyond them are reported as {@code other}. */
    @WithDefault("100")
    int maxValues();

    @WithDefault("raw")
    LabelPolicy policy();
}
