package io.hotelcrm.billing;

import io.hotelcrm.stripestub.StripeStub;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A Stripe-protocol stub for the service under test; stripe-java is pointed at it by its API base. */
public class StripeStubResource implements QuarkusTestResourceLifecycleManager {

    static volatile StripeStub stub;

    @Override
    public Map<String, String> start() {
        stub = StripeStub.start(); // fresh test-only whsec_ secret per run
        stub.definePrice("price_essential_monthly_jpy", 7800, "jpy");
        stub.definePrice("price_professional_monthly_jpy", 19800, "jpy");
        stub.definePrice("price_enterprise_monthly_jpy", 49800, "jpy");
        return Map.of("billing.stripe.api-key", StripeStub.TEST_API_KEY,
                "billing.stripe.api-base", stub.baseUrl(),
                "billing.stripe.webhook-secret", stub.webhookSecret());
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.close();
        }
    }
}
