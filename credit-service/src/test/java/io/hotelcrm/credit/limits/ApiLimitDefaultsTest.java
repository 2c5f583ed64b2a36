package io.hotelcrm.credit.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.testsupport.ProductionConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

/** The shipped limits of credit-service are the guide's: global 1,000 and analytics 50 per tenant and minute. */
class ApiLimitDefaultsTest {

    @Test
    void productionDefaultsAreTheGuidesFigures() {
        SmallRyeConfig config = ProductionConfig.load();
        assertThat(config.getValue("platform.api-limits.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("platform.api-limits.on-redis-failure", String.class)).isEqualTo("allow");
        assertThat(config.getValue("platform.api-limits.groups.global.per-minute", Integer.class)).isEqualTo(1000);
        assertThat(config.getValue("platform.api-limits.groups.global.paths", String.class)).isEqualTo("* /api/v1/**");
        assertThat(config.getValue("platform.api-limits.groups.analytics.per-minute", Integer.class)).isEqualTo(50);
        assertThat(config.getValue("platform.api-limits.groups.analytics.paths", String.class))
                .isEqualTo("GET /api/v1/credits/analytics");
        assertThat(config.getValue("platform.dependencies.redis-enabled", Boolean.class)).isTrue();
    }
}
