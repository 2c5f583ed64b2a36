package io.hotelcrm.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "dashboard")
public interface DashboardConfig {

    /** local or production: what the browser is told about the payment backend and sign-in. */
    String mode();

    Optional<String> stripePublishableKey();

    Optional<String> hostOrigin();

    Proxy proxy();

    DevSignIn devSignIn();

    interface Proxy {
        /** {@code prefix=http://host:port} pairs, comma-separated; empty: no proxy (the Ingress routes). */
        Optional<String> routes();
    }

    interface DevSignIn {
        @WithDefault("false")
        boolean enabled();

        Path signingKeyLocation();

        String issuer();

        Duration tokenTtl();
    }
}
