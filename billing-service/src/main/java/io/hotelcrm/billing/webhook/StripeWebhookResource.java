package io.hotelcrm.billing.webhook;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Stripe's webhook endpoint. Authenticated by the {@code Stripe-Signature} header over the raw body (not
 * JWT), within a 5-minute tolerance; a bad signature is a 400 and nothing is stored. A verified event is
 * stored keyed by its id and applied in the same transaction, so each event id takes effect once.
 */
@Path("/webhook/stripe")
@PermitAll
@Tag(name = "Stripe webhook")
public class StripeWebhookResource {

    private final WebhookService webhooks;
    private final BillingConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public StripeWebhookResource(WebhookService webhooks, BillingConfig config, Clock clock, MeterRegistry metrics) {
        this.webhooks = webhooks;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    public record Ack(boolean received, String outcome) {
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stripe events (signed by Stripe; not for API clients)")
    public Uni<Ack> receive(@HeaderParam("Stripe-Signature") String signature, byte[] body) {
        String secret = config.stripe().webhookSecret().orElseThrow(() -> new ApiException(503, "WEBHOOK_NOT_CONFIGURED",
                "Webhook を受け付けられません", "STRIPE_WEBHOOK_SECRET is not set"));
        String payload = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
        Event event;
        try {
            if (signature == null) {
                throw new SignatureVerificationException("No Stripe-Signature header", null);
            }
            event = Webhook.constructEvent(payload, signature, secret, config.stripe().webhookTolerance().toSeconds(), clock);
        } catch (SignatureVerificationException e) {
            metrics.counter("billing.webhook.events", "type", "unknown", "result", "bad_signature").increment();
            throw new ApiException(400, "WEBHOOK_SIGNATURE_INVALID", "署名を検証できません", e.getMessage());
        } catch (RuntimeException e) { // gson: the body is not JSON
            throw new ApiException(400, "MALFORMED_REQUEST", "リクエストの形式が正しくありません",
                    "The body is not a Stripe event");
        }
        return webhooks.handle(event, payload).map(outcome -> {
            metrics.counter("billing.webhook.events", "type", event.getType(), "result", outcome).increment();
            return new Ack(true, outcome);
        });
    }
}
