package io.hotelcrm.billing.stripe;

import com.stripe.StripeClient;
import io.hotelcrm.billing.BillingConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one stripe-java client of the service, pointed at {@code billing.stripe.api-base}. */
public class StripeClientProducer {

    /** Placeholder so the client can be built without a key; {@link StripeCalls} refuses to call with it. */
    static final String NO_KEY = "sk_unconfigured";

    @Produces
    @Singleton
    StripeClient stripeClient(BillingConfig config) {
        BillingConfig.Stripe stripe = config.stripe();
        return StripeClient.builder()
                .setApiKey(stripe.apiKey().orElse(NO_KEY))
                .setApiBase(stripe.apiBase())
                .setMaxNetworkRetries(stripe.maxNetworkRetries())
                .setConnectTimeout((int) stripe.connectTimeout().toMillis())
                .setReadTimeout((int) stripe.readTimeout().toMillis())
                .build();
    }
}
