package io.hotelcrm.gateway.function;

import io.hotelcrm.contracts.FunctionType;
import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Map;

/** ai-gateway-service settings ({@code gateway.*} in application.properties). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Base cost in credits per function, keyed by lower-case function name (the guide's FUNCTION_COSTS). */
    Map<String, Long> baseCost();

    CreditService creditService();

    Limits limits();

    Input input();

    Models models();

    Defaults defaults();

    /** Lifetime of a reservation if this service dies before capturing or releasing it. */
    int holdTimeoutSeconds();

    default long baseCost(FunctionType type) {
        Long cost = baseCost().get(type.name().toLowerCase());
        if (cost == null) {
            throw new IllegalStateException("no gateway.base-cost." + type.name().toLowerCase() + " configured");
        }
        return cost;
    }

    interface CreditService {
        String url();
    }

    interface Limits {
        /** Executions per tenant + user + function per hour, keyed by lower-case function name. */
        Map<String, Long> hourly();

        long tenantPerMinute();

        /** allow or deny when Redis cannot be reached. */
        String onRedisFailure();

        default long hourly(FunctionType type) {
            return hourly().getOrDefault(type.name().toLowerCase(), 10L);
        }
    }

    interface Input {
        int maxChars();

        int maxRows();
    }

    interface Models {
        List<String> allowed();

        String defaultModel();
    }

    interface Defaults {
        double temperature();

        int maxTokens();
    }
}
