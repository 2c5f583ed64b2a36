package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.saveCard;
import static io.hotelcrm.billing.BillingApi.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.hotelcrm.stripestub.StripeStub;
import io.hotelcrm.testsupport.JwtTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The crash the fault suite found: billing created the tenant's Stripe customer (idempotency key per tenant) and died
 * before storing it; the next request, with the billing e-mail, must get that same customer — not Stripe's
 * IdempotencyException for other parameters under the key, which was a 500.
 */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class CustomerRetryTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aCustomerCreatedBeforeACrashIsTakenOverByTheNextRequestWithItsEmail() throws Exception {
        String tenant = newTenant();
        // What the first attempt sent, answered by Stripe but never stored by us (the process died).
        URI base = URI.create(stub().baseUrl());
        String created = RestAssured.given().baseUri("http://" + base.getHost()).port(base.getPort()).basePath("")
                .auth().oauth2(StripeStub.TEST_API_KEY).contentType(ContentType.URLENC)
                .header("Idempotency-Key", "customer-" + tenant)
                .formParam("description", "Hotel CRM tenant " + tenant).formParam("metadata[tenant_id]", tenant)
                .formParam("preferred_locales[0]", "ja")
                .post("/v1/customers").then().statusCode(200).extract().path("id");

        saveCard(tenant, "pm_card_visa").then().statusCode(200).body("status", equalTo("succeeded"));

        BillingApi billing = new BillingApi(db);
        assertThat(billing.strings("select customer_id || ' ' || email from stripe_customer where tenant_id = ?", tenant))
                .containsExactly(created + " keiri@" + tenant + ".example.jp");
    }
}
