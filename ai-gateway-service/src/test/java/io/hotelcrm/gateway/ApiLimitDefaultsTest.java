package io.hotelcrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotelcrm.testsupport.ProductionConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

/** The shipped limits of the gateway are the guide's: global 1,000 and credit usage 100 per tenant and minute. */
class ApiLimitDefaultsTest {

    @Test
    void productionDefaultsAreTheGuidesFigures() {
        SmallRyeConfig config = ProductionConfig.load();
        assertThat(config.getValue("platform.api-limits.enabled", Boolean.class)).isTrue();
        assertThat(config.getValue("platform.api-limits.groups.global.per-minute", Integer.class)).isEqualTo(1000);
        assertThat(config.getValue("gateway.limits.tenant-per-minute", Integer.class)).isEqualTo(100);
        // One Redis-down policy for both limiters
        assertThat(config.getValue("gateway.limits.on-redis-failure", String.class)).isEqualTo("allow");
        assertThat(config.getValue("platform.api-limits.on-redis-failure", String.class)).isEqualTo("allow");
    }
}
