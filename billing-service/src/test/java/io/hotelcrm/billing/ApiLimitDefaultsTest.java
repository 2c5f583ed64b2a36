package io.hotelcrm.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.testsupport.ProductionConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

/** The shipped limits of billing-service are the guide's: global 1,000 and purchase 10 per tenant and minute. */
class ApiLimitDefaultsTest {

    @Test
    void productionDefaultsAreTheGuidesFigures() {
        SmallRyeConfig config = ProductionConfig.load();
        assertThat(config.getValue("platform.api-limits.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("platform.api-limits.on-redis-failure", String.class)).isEqualTo("allow");
        assertThat(config.getValue("platform.api-limits.groups.global.per-minute", Integer.class)).isEqualTo(1000);
        assertThat(config.getValue("platform.api-limits.groups.purchase.per-minute", Integer.class)).isEqualTo(10);
        assertThat(config.getValue("platform.api-limits.groups.purchase.paths", String.class))
                .isEqualTo("POST /api/v1/credits/purchase");
        assertThat(config.getValue("platform.dependencies.redis-enabled", Boolean.class)).isTrue();
    }
}
