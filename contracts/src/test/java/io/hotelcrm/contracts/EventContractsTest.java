package io.hotelcrm.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.hotelcrm.contracts.billing.PaymentFailed;
import io.hotelcrm.contracts.billing.PaymentRefundFailed;
import io.hotelcrm.contracts.billing.PaymentRefunded;
import io.hotelcrm.contracts.billing.PaymentReinstated;
import io.hotelcrm.contracts.billing.PaymentSucceeded;
import io.hotelcrm.contracts.billing.PlanChanged;
import io.hotelcrm.contracts.credit.AutoPurchaseRequested;
import io.hotelcrm.contracts.credit.AutoPurchaseSuspended;
import io.hotelcrm.contracts.billing.PaymentActionRequired;
import io.hotelcrm.contracts.credit.BalanceLow;
import io.hotelcrm.contracts.credit.CreditsExpired;
import io.hotelcrm.contracts.credit.CreditsGranted;
import io.hotelcrm.contracts.credit.MonthlyResetCompleted;
import io.hotelcrm.contracts.credit.UsageRecorded;
import io.hotelcrm.contracts.gateway.ExecutionCompleted;
import io.hotelcrm.contracts.gateway.ExecutionFailed;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventContractsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T14:59:59Z");
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** One realistic example per event type; a type without one fails {@link #everyTypeHasAnExample}. */
    static final Map<EventType, Object> EXAMPLES = new EnumMap<>(EventType.class);

    static {
        EXAMPLES.put(EventType.UsageRecorded, new UsageRecorded("acc-1", "tx-1", "hold-1", "exe-1", "CHATBOT", "u-1", 2, 98, 96));
        EXAMPLES.put(EventType.CreditsGranted, new CreditsGranted("acc-1", "gr-1", "tx-2", "MONTHLY_FREE", 500, 500, NOW, "2026-11"));
        EXAMPLES.put(EventType.CreditsExpired, new CreditsExpired("acc-1", "gr-1", "tx-3", 120, 380));
        EXAMPLES.put(EventType.MonthlyResetCompleted, new MonthlyResetCompleted("acc-1", "2026-12", "ESSENTIAL", 380, 500, 0, 420, "CHATBOT", 84));
        EXAMPLES.put(EventType.BalanceLow, new BalanceLow("acc-1", "WARNING", 48, 50, true));
        EXAMPLES.put(EventType.AutoPurchaseRequested, new AutoPurchaseRequested("acc-1", "apr-1", "pkg-500", 1000, 50, 48, "TOP_UP", 2, 11000, 1));
        EXAMPLES.put(EventType.AutoPurchaseSuspended, new AutoPurchaseSuspended("acc-1", "apr-1", "CONSECUTIVE_FAILURES", true, 3, "card_declined", null, 20000L, 500, 5500, "2026-12"));
        EXAMPLES.put(EventType.PaymentActionRequired, new PaymentActionRequired("pi_125", "pur-3", "pkg-500", 5500, "auto_purchase", "apr-2", "https://crm.example/?confirmPurchase=pur-3"));
        EXAMPLES.put(EventType.PaymentSucceeded, new PaymentSucceeded("pi_123", "pur-1", "pkg-500", 500, 5000, "dashboard", "stripe", null));
        EXAMPLES.put(EventType.PaymentFailed, new PaymentFailed("pi_124", "pur-2", "pkg-500", 5000, "auto_purchase", "stored_card", "card_declined", "apr-1"));
        EXAMPLES.put(EventType.PaymentRefunded, new PaymentRefunded("pi_123", "re_1", 5000, 500));
        EXAMPLES.put(EventType.PaymentReinstated, new PaymentReinstated("pi_123", "dp_1", 19800, 2000));
        EXAMPLES.put(EventType.PaymentRefundFailed, new PaymentRefundFailed("pi_123", "re_2", "ch_1:5500", 5500, 500));
        EXAMPLES.put(EventType.PlanChanged, new PlanChanged("ESSENTIAL", "PROFESSIONAL", NOW, "sub_1"));
        EXAMPLES.put(EventType.ExecutionCompleted, new ExecutionCompleted("exe-1", "u-1", "CHATBOT", "local", "faq-kuromoji", 2, 35, 12, 40));
        EXAMPLES.put(EventType.ExecutionFailed, new ExecutionFailed("exe-2", "u-1", "CUSTOM", "PROVIDER_UNAVAILABLE", 0, 12));
        EXAMPLES.put(EventType.SecurityEventRaised, new SecurityEventRaised("u-1", "ANOMALY", 93, "BLOCKED", Map.of("frequency", "41")));
    }

    @Test
    void everyTypeHasAnExample() {
        assertThat(EXAMPLES.keySet()).containsExactlyInAnyOrder(EventType.values());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void exampleEnvelopeValidatesAgainstBothSchemas(EventType type) throws Exception {
        EventEnvelope envelope = EventEnvelope.wrap(type, "tenant-a", NOW, EXAMPLES.get(type));
        JsonNode wire = EventJson.mapper().readTree(EventJson.write(envelope));

        assertThat(validate(schema("schemas/envelope.json"), wire)).isEmpty();
        assertThat(validate(schema(type.schemaResource()), wire.get("data"))).isEmpty();
        assertThat(wire.get("occurredAt").asText()).isEqualTo("2026-11-30T14:59:59Z");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaRequiresExactlyTheRecordComponents(EventType type) throws Exception {
        JsonNode schema = EventJson.mapper().readTree(resource(type.schemaResource()));
        Set<String> required = new HashSet<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        Set<String> components = Arrays.stream(type.dataClass().getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toSet());
        assertThat(required).isEqualTo(components);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void roundTripKeepsThePayload(EventType type) {
        Object example = EXAMPLES.get(type);
        EventEnvelope read = EventJson.read(EventJson.write(EventEnvelope.wrap(type, "tenant-a", NOW, example)));
        assertThat(read.dataAs(type, type.dataClass())).isEqualTo(example);
    }

    @Test
    void schemaRejectsAWrongPayload() throws Exception {
        JsonNode bad = EventJson.mapper().readTree("{\"accountId\":\"a\",\"severity\":\"LOW\",\"available\":-1}");
        assertThat(validate(schema(EventType.BalanceLow.schemaResource()), bad)).isNotEmpty();
    }

    @Test
    void wrapRefusesAPayloadOfAnotherType() {
        assertThatThrownBy(() -> EventEnvelope.wrap(EventType.BalanceLow, "t", NOW, EXAMPLES.get(EventType.CreditsExpired)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownTypesAreFoundAsEmpty() {
        assertThat(EventType.find("SomethingNewer")).isEmpty();
        assertThat(EventType.find("CreditsGranted")).contains(EventType.CreditsGranted);
    }

    private static Set<ValidationMessage> validate(JsonSchema schema, JsonNode node) {
        return schema.validate(node);
    }

    private static JsonSchema schema(String resource) throws Exception {
        try (InputStream in = resource(resource)) {
            return SCHEMAS.getSchema(in);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = EventContractsTest.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as(name).isNotNull();
        return in;
    }
}
