package io.hotelcrm.alert;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the health watch and the operators' Slack channel of the service under test at {@link LocalReceiver}. */
public class LocalReceiverResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalReceiver receiver = LocalReceiver.shared();
        return Map.of(
                "alert.health.targets.credit-service", receiver.url("/health/credit-service"),
                "alert.health.targets.ai-gateway-service", receiver.url("/health/ai-gateway-service"),
                "alert.health.targets.billing-service", receiver.url("/health/billing-service"),
                "alert.system.slack-webhook-url", receiver.url("/slack/operators"));
    }

    @Override
    public void stop() {
        // the receiver lives as long as the test JVM
    }
}
