package io.hotelcrm.alert.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of alert-service, from {@code alert.*} in application.properties. */
@ConfigMapping(prefix = "alert")
public interface AlertConfig {

    /** Largest page of the alert log and of the delivery list. */
    int pageSizeMax();

    /** Zone in which e-mails and Slack posts show times. */
    ZoneId timeZone();

    LowBalance lowBalance();

    UsageSpike usageSpike();

    Security security();

    Delivery delivery();

    Channels channels();

    Slack slack();

    Stream stream();

    Health health();

    SystemChannels system();

    interface LowBalance {
        /** A LOW_BALANCE alert of the same account and severity is not repeated within this window. */
        Duration repeatAfter();
    }

    interface UsageSpike {
        /** A spike is this hour's usage above factor × the average hourly usage. */
        int factor();

        /** How far back the average looks. */
        Duration window();

        /** The account must have at least this much history before a spike can be called. */
        Duration minHistory();

        /** Usage events older than this update the roll-up but raise nothing. */
        Duration maxEventAge();
    }

    interface Security {
        /** Logged security events below this anomaly score raise no alert. */
        int minScore();
    }

    interface Delivery {
        Duration pollInterval();

        int batchSize();

        /** Deliveries of one channel sent at once. */
        int concurrency();

        /** After this many failed attempts a delivery is dead. */
        int maxAttempts();

        Duration backoffInitial();

        Duration backoffMax();

        /** How long a claimed delivery stays with its dispatcher. */
        Duration lease();
    }

    interface Channels {
        int maxAdminEmails();
    }

    interface Slack {
        /** A webhook URL must start with one of these. */
        List<String> allowedUrlPrefixes();

        String username();

        String footer();

        Duration timeout();
    }

    interface Stream {
        Duration heartbeat();
    }

    interface Health {
        /** Poll period ("30s"), or "off"; read by the scheduler. */
        String interval();

        Duration timeout();

        /** Service name → readiness URL. */
        Map<String, String> targets();
    }

    /** Where alerts of no tenant (SYSTEM_HEALTH) go: the operators. */
    interface SystemChannels {
        Optional<List<String>> adminEmails();

        Optional<String> slackWebhookUrl();

        @WithDefault("AI Credit Platform")
        String name();
    }
}
