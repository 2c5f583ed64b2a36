package io.hotelcrm.testsupport;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;

/**
 * TEST helper: a service's configuration as production resolves it (profile {@code prod}, the service's
 * application.properties over the platform's shared defaults, no environment), without starting the service:
 * for tests that the shipped defaults are the documented figures.
 */
public final class ProductionConfig {

    private ProductionConfig() {
    }

    public static SmallRyeConfig load() {
        try {
            URL application = ProductionConfig.class.getResource("/application.properties");
            URL shared = ProductionConfig.class.getResource("/META-INF/microprofile-config.properties");
            if (application == null || shared == null) {
                throw new IllegalStateException("application.properties or the platform's shared defaults are not on the classpath");
            }
            return new SmallRyeConfigBuilder().withProfile("prod")
                    .withSources(new PropertiesConfigSource(application, 250))
                    .withSources(new PropertiesConfigSource(shared, 100))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
