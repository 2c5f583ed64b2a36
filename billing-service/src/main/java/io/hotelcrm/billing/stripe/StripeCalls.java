package io.hotelcrm.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.CardException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import io.hotelcrm.billing.BillingConfig;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs a blocking stripe-java call on a worker thread and continues on the caller's Vert.x context, so
 * the reactive transaction code that follows stays on its event loop. Every call carries an
 * idempotency key made from our own ids, so a retry (ours or stripe-java's) never charges twice.
 */
@ApplicationScoped
public class StripeCalls {

    private static final Logger LOG = Logger.getLogger(StripeCalls.class);

    private final StripeClient stripe;
    private final boolean configured;
    private final MeterRegistry metrics;

    public StripeCalls(StripeClient stripe, BillingConfig config, MeterRegistry metrics) {
        this.stripe = stripe;
        this.configured = config.stripe().apiKey().isPresent();
        this.metrics = metrics;
    }

    @FunctionalInterface
    public interface Call<T> {
        T run(StripeClient stripe, RequestOptions options) throws StripeException;
    }

    /** The call's outcome failed as {@link StripeException}; see {@link #isDefinitive}. */
    public <T> Uni<T> call(String operation, String idempotencyKey, Call<T> call) {
        if (!configured) {
            return Uni.createFrom().failure(unavailable("Stripe is not configured (STRIPE_API_KEY)"));
        }
        RequestOptions options = idempotencyKey == null ? RequestOptions.getDefault()
                : RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().failure(new IllegalStateException("Stripe calls need a Vert.x context"));
        }
        return Uni.createFrom().<T>emitter(emitter -> context.<T>executeBlocking(() -> call.run(stripe, options), false)
                .onComplete(result -> {
                    if (result.succeeded()) {
                        metrics.counter("stripe.calls", "operation", operation, "outcome", "ok").increment();
                        emitter.complete(result.result());
                    } else {
                        Throwable e = result.cause();
                        metrics.counter("stripe.calls", "operation", operation, "outcome",
                                e instanceof StripeException se && isDefinitive(se) ? "rejected" : "error").increment();
                        if (!(e instanceof StripeException se && isDefinitive(se))) {
                            LOG.warnf("Stripe %s failed: %s", operation, e.toString());
                        }
                        emitter.fail(e);
                    }
                }));
    }

    /** A card decline or a rejected request: Stripe gave its final word, retrying the same call cannot help. */
    public static boolean isDefinitive(StripeException e) {
        return e instanceof CardException || e instanceof InvalidRequestException;
    }

    /** Not definitive (network, 5xx, rate limit, bad key): the outcome is unknown, answer 503 and retry later. */
    public static ApiException unavailable(String detail) {
        return new ApiException(503, "PROVIDER_UNAVAILABLE", "決済サービスに接続できません", detail);
    }
}
