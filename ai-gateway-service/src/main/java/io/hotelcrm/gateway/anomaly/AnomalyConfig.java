package io.hotelcrm.gateway.anomaly;

import java.time.ZoneId;

/** Anomaly scoring settings ({@code gateway.anomaly.*}); the formula is in {@link AnomalyScorer}. */
public interface AnomalyConfig {

    boolean enabled();

    /** Scores above this are stored as a security event (and the request still runs). */
    int logAbove();

    /** Scores above this are answered 403 SUSPICIOUS_ACTIVITY; nothing is reserved. */
    int blockAbove();

    Weights weights();

    /** Executions per hour, as a multiple of the tenant's usual per user and hour, that count as fully unusual. */
    double frequencyRatioMax();

    /** Request volume, as a multiple of the tenant's usual for the function, that counts as fully unusual. */
    double volumeRatioMax();

    /** An hour of the day with less than this share of the tenant's executions is a quiet hour. */
    double quietHourShare();

    /** How many days before the current hour the baseline covers. */
    int baselineDays();

    /** Below this many executions in the baseline window a tenant is not scored (score 0). */
    long minBaselineExecutions();

    /** Where the tenant's hours of the day are counted (the hotels' local time). */
    ZoneId zone();

    interface Weights {
        double frequency();

        double volume();

        double timeOfDay();
    }
}
