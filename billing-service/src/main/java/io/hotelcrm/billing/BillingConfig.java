package io.hotelcrm.billing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** billing-service settings; values and their environment variables in application.properties. */
@ConfigMapping(prefix = "billing")
public interface BillingConfig {

    /** Japanese consumption tax in percent (10). */
    int consumptionTaxPercent();

    /** Time zone of the tenants' billing month (invoices are due at its end, 月末締め). */
    @WithDefault("Asia/Tokyo")
    String timeZone();

    /**
     * Where the dashboard is served (DASHBOARD_URL): an admin confirms an auto-purchase that needs 3-D Secure at
     * {@code <dashboard-url>/purchases/<purchaseId>/confirm} (PaymentActionRequired.confirmUrl).
     */
    @WithDefault("http://localhost:8080")
    String dashboardUrl();

    Stripe stripe();

    /** Per plan (essential, professional, enterprise): monthly fee and the Stripe price that bills it. */
    Map<String, Plan> plans();

    AutoPurchase autoPurchase();

    Refunds refunds();

    interface Stripe {
        /** Secret API key (STRIPE_API_KEY); without it every Stripe call answers 503 PROVIDER_UNAVAILABLE. */
        Optional<String> apiKey();

        /** https://api.stripe.com in production; the local Stripe stub in tests. */
        String apiBase();

        /** Signing secret of the webhook endpoint (STRIPE_WEBHOOK_SECRET); without it webhooks are refused. */
        Optional<String> webhookSecret();

        /** Maximum age of a webhook signature's timestamp. */
        Duration webhookTolerance();

        int maxNetworkRetries();

        Duration connectTimeout();

        Duration readTimeout();

        /** An existing Stripe TaxRate for the consumption tax; created once and remembered when absent. */
        Optional<String> taxRateId();
    }

    interface Plan {
        long monthlyFeeYen();

        String stripePriceId();
    }

    interface Refunds {
        /** How often the parked refunds are counted for the gauge billing_refunds_pending. */
        @WithDefault("30s")
        Duration pendingGaugeEvery();
    }

    interface AutoPurchase {
        /** How often PENDING auto-purchases are looked for. */
        Duration retryEvery();

        /** An auto-purchase still PENDING this long after it was requested is charged again (same idempotency key). */
        Duration retryPendingAfter();
    }
}
