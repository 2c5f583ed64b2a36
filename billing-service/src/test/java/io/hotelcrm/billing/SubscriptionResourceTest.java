package io.hotelcrm.billing;

import static io.hotelcrm.billing.BillingApi.newTenant;
import static io.hotelcrm.billing.BillingApi.saveCard;
import static io.hotelcrm.billing.BillingApi.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.hotelcrm.testsupport.JwtTestResource;
import io.hotelcrm.testsupport.TestJwt;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plan subscriptions: default_incomplete with the first invoice's client secret, plan change with proration. */
@QuarkusTest
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(StripeStubResource.class)
class SubscriptionResourceTest {

    @Inject
    AgroalDataSource db;
    @TestHTTPResource("/webhook/stripe")
    URL webhook;
    BillingApi billing;

    @BeforeEach
    void connect() {
        billing = new BillingApi(db);
        stub().sendWebhooksTo(webhook.toString());
    }

    @Test
    void aPlanTakesEffectWhenItsFirstInvoiceIsPaidAndChangesWithProration() throws Exception {
        String tenant = newTenant();
        String subscription = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("planType", "ESSENTIAL", "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/subscription").then().statusCode(200)
                .body("status", equalTo("incomplete"))
                .body("monthlyFeeYen", equalTo(7800))
                .body("clientSecret", startsWith("pi_"))
                .extract().path("subscriptionId");
        JsonNode firstInvoice = stub().object(stub().object(subscription).orElseThrow().get("latest_invoice").asText()).orElseThrow();
        assertThat(firstInvoice.get("amount_due").asLong()).isEqualTo(7800);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(billing.events("PlanChanged", "subscriptionId", subscription)).isEmpty();

        stub().payInvoice(firstInvoice.get("id").asText()); // the browser paid with the client secret

        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 1);
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/subscription").then().statusCode(200)
                .body("planType", equalTo("ESSENTIAL")).body("status", equalTo("active"));
        saveCard(tenant, "pm_card_visa").then().statusCode(200); // the proration is charged to the saved card

        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(Map.of("planType", "PROFESSIONAL"))
                .put("/api/v1/billing/subscription").then().statusCode(200).body("planType", equalTo("PROFESSIONAL"))
                .body("monthlyFeeYen", equalTo(19800)).body("paymentStatus", equalTo("paid"))
                .body("pendingPlanType", nullValue());
        JsonNode change = stub().requests("POST", "/v1/subscriptions/" + subscription).get(0).params();
        assertThat(change.get("proration_behavior").asText()).isEqualTo("always_invoice");
        assertThat(change.get("payment_behavior").asText()).isEqualTo("pending_if_incomplete");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());

        ObjectMapper json = new ObjectMapper();
        var changes = billing.events("PlanChanged", "subscriptionId", subscription).stream().map(p -> {
            try {
                return json.readTree(p).get("data");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).get("previousPlan").isNull()).isTrue();
        assertThat(changes.get(0).get("newPlan").asText()).isEqualTo("ESSENTIAL");
        assertThat(changes.get(1).get("previousPlan").asText()).isEqualTo("ESSENTIAL");
        assertThat(changes.get(1).get("newPlan").asText()).isEqualTo("PROFESSIONAL");
    }

    @Test
    void upgradeDowngradeUpgradeEachChangesThePlanAtStripe() throws Exception {
        String tenant = newTenant();
        String subscription = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("planType", "ESSENTIAL", "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/subscription").then().statusCode(200).extract().path("subscriptionId");
        stub().payInvoice(stub().object(subscription).orElseThrow().get("latest_invoice").asText());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 1);
        saveCard(tenant, "pm_card_visa").then().statusCode(200);

        for (String plan : new String[] {"PROFESSIONAL", "ESSENTIAL", "PROFESSIONAL"}) {
            given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(Map.of("planType", plan))
                    .put("/api/v1/billing/subscription").then().statusCode(200).body("planType", equalTo(plan));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
            // what Stripe bills is the plan we store and announce, every time
            assertThat(stub().object(subscription).orElseThrow().at("/items/data/0/price/id").asText())
                    .as("Stripe's price after the change to " + plan).isEqualTo("price_" + plan.toLowerCase() + "_monthly_jpy");
        }
        assertThat(stub().requests("POST", "/v1/subscriptions/" + subscription)).hasSize(3);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 4);
        assertThat(newPlans(subscription)).containsExactly("ESSENTIAL", "PROFESSIONAL", "ESSENTIAL", "PROFESSIONAL");
    }

    @Test
    void anUpgradeWhoseProrationIsDeclinedKeepsThePlanAndAnnouncesNothingUntilStripeAppliesIt() throws Exception {
        String tenant = newTenant();
        String subscription = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("planType", "ESSENTIAL", "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/subscription").then().statusCode(200).extract().path("subscriptionId");
        stub().payInvoice(stub().object(subscription).orElseThrow().get("latest_invoice").asText());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 1);
        saveCard(tenant, "pm_card_chargeCustomerFail").then().statusCode(200); // saved; its charges are declined

        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(Map.of("planType", "PROFESSIONAL"))
                .put("/api/v1/billing/subscription").then().statusCode(202)
                .body("planType", equalTo("ESSENTIAL")).body("monthlyFeeYen", equalTo(7800))
                .body("status", equalTo("active"))
                .body("paymentStatus", equalTo("payment_failed"))
                .body("pendingPlanType", equalTo("PROFESSIONAL"))
                .body("pendingExpiresAt", notNullValue());
        JsonNode atStripe = stub().object(subscription).orElseThrow();
        assertThat(atStripe.at("/items/data/0/price/id").asText()).isEqualTo("price_essential_monthly_jpy");
        assertThat(atStripe.at("/pending_update/subscription_items/0/price/id").asText())
                .isEqualTo("price_professional_monthly_jpy");
        String proration = atStripe.get("latest_invoice").asText();
        assertThat(stub().object(proration).orElseThrow().get("status").asText()).isEqualTo("open");
        assertThat(stub().events("invoice.payment_failed", proration)).hasSize(1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());

        // the webhook of the pending update changed nothing either: no PlanChanged, no prorated credits
        assertThat(newPlans(subscription)).containsExactly("ESSENTIAL");
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/subscription").then().statusCode(200)
                .body("planType", equalTo("ESSENTIAL")).body("status", equalTo("active"));

        stub().payInvoice(proration); // paid later: Stripe applies the pending update and reports it
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 2);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        assertThat(newPlans(subscription)).containsExactly("ESSENTIAL", "PROFESSIONAL");
        given().auth().oauth2(TestJwt.staff(tenant)).get("/api/v1/billing/subscription").then().statusCode(200)
                .body("planType", equalTo("PROFESSIONAL"));
    }

    @Test
    void anUpgradeWithAGoodCardIsAnnouncedOnce() throws Exception {
        String tenant = newTenant();
        String subscription = given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON)
                .body(Map.of("planType", "ESSENTIAL", "billingEmail", "keiri@" + tenant + ".example.jp"))
                .post("/api/v1/billing/subscription").then().statusCode(200).extract().path("subscriptionId");
        stub().payInvoice(stub().object(subscription).orElseThrow().get("latest_invoice").asText());
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> billing.events("PlanChanged", "subscriptionId", subscription).size() == 1);
        saveCard(tenant, "pm_card_visa").then().statusCode(200);

        given().auth().oauth2(TestJwt.admin(tenant)).contentType(ContentType.JSON).body(Map.of("planType", "ENTERPRISE"))
                .put("/api/v1/billing/subscription").then().statusCode(200)
                .body("planType", equalTo("ENTERPRISE")).body("paymentStatus", equalTo("paid"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stub().webhooksIdle());
        // the answer and the customer.subscription.updated webhook both report ENTERPRISE: announced once
        assertThat(newPlans(subscription)).containsExactly("ESSENTIAL", "ENTERPRISE");
        String proration = stub().object(subscription).orElseThrow().get("latest_invoice").asText();
        assertThat(stub().object(proration).orElseThrow().get("status").asText()).isEqualTo("paid");
    }

    private java.util.List<String> newPlans(String subscription) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return billing.events("PlanChanged", "subscriptionId", subscription).stream().map(p -> {
            try {
                return json.readTree(p).at("/data/newPlan").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void anUnknownPlanIsAValidationProblem() {
        given().auth().oauth2(TestJwt.admin(newTenant())).contentType(ContentType.JSON).body(Map.of("planType", "GOLD"))
                .post("/api/v1/billing/subscription").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
    }
}
