package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Stripe unreachable (a closed port): confirming a purchase that waits for 3-D Secure is 503 + Retry-After, nothing changes. */
@QuarkusTest
@TestProfile(PurchaseConfirmStripeDownTest.UnreachableStripe.class)
@QuarkusTestResource(JwtTestResource.class)
class PurchaseConfirmStripeDownTest {

    public static class UnreachableStripe implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("billing.stripe.api-key", StripeStub.TEST_API_KEY,
                    "billing.stripe.api-base", "http://127.0.0.1:" + ApiLimitsRedisDownTest.closedPort(),
                    "billing.stripe.webhook-secret", "whsec_test_unreachable_stripe_only");
        }
    }

    @Inject
    AgroalDataSource db;

    @Test
    void stripeUnreachableIs503WithRetryAfterAndChangesNothing() throws Exception {
        String tenant = newTenant();
        UUID id = UUID.randomUUID();
        BillingApi billing = new BillingApi(db);
        billing.strings("insert into purchase (id, tenant_id, package_id, credits, price_yen, tax_yen, amount_yen, method, source,"
                + " status, payment_method_id, payment_intent_id, client_secret, auto_purchase_request_id, created_at, updated_at)"
                + " values (?::uuid, ?, 'pkg-500', 500, 5000, 500, 5500, 'stored_card', 'auto_purchase', 'REQUIRES_ACTION',"
                + " 'pm_unreachable', ?, ?, ?, now(), now()) returning id", id.toString(), tenant, "pi_down_" + id.toString().substring(0, 8),
                "pi_down_secret", UUID.randomUUID().toString());

        given().auth().oauth2(TestJwt.admin(tenant)).post("/api/v1/billing/purchases/" + id + "/confirm").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("code", equalTo("PROVIDER_UNAVAILABLE"));
        assertThat(billing.strings("select status || ' ' || confirm_attempts from purchase where id = ?::uuid", id.toString()))
                .containsExactly("REQUIRES_ACTION 0");
    }
}
