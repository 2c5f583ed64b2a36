package io.hotelcrm.gateway.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.EventType;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.gateway.SecurityEventRaised;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.gateway.provider.EngineRequest;
import io.hotelcrm.platform.outbox.Outbox;
import io.hotelcrm.platform.persistence.Transient;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The anomaly step of the execute pipeline (after the rate limits, before the reservation): counts the
 * request, scores it against the tenant's baseline ({@link AnomalyScorer}), stores a security event and
 * publishes SecurityEventRaised through the outbox above {@code log-above}, and refuses with 403
 * SUSPICIOUS_ACTIVITY above {@code block-above} — before anything is reserved.
 */
@ApplicationScoped
public class AnomalyDetector {

    private static final Logger LOG = Logger.getLogger(AnomalyDetector.class);
    public static final String KIND = "ANOMALY";

    private final AnomalyActivity activity;
    private final AnomalyConfig config;
    private final Duration databaseTimeout;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;

    public AnomalyDetector(AnomalyActivity activity, GatewayConfig config, Outbox outbox, ObjectMapper json,
                           Clock clock, MeterRegistry metrics) {
        this.activity = activity;
        this.config = config.anomaly();
        this.databaseTimeout = config.databaseTimeout();
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Scores the request; fails with 403 SUSPICIOUS_ACTIVITY when the score is above the blocking threshold. */
    public Uni<AnomalyScorer.Score> assess(String tenant, String user, EngineRequest request) {
        if (!config.enabled()) {
            return Uni.createFrom().item(new AnomalyScorer.Score(0, 0, 0, 0, false));
        }
        Instant now = clock.instant();
        Instant hourStart = now.truncatedTo(ChronoUnit.HOURS);
        String function = request.function().name().toLowerCase();
        String who = user == null ? "" : user;
        long volume = volumeOf(request);
        int hourOfDay = now.atZone(config.zone()).getHour();
        return activity.countRequest(tenant, who, request.function().name(), hourStart, volume)
                .chain(n -> activity.baseline(tenant, hourStart).map(b -> {
                    AnomalyScorer.Signals signals = new AnomalyScorer.Signals(n, volume, function, hourOfDay);
                    return new Assessed(signals, b, AnomalyScorer.score(signals, b, config));
                }))
                .chain(a -> {
                    summary(request.function()).record(a.score().score());
                    int score = a.score().score();
                    if (score > config.blockAbove()) {
                        metrics.counter("ai.executions", "function", request.function().name(), "outcome", "blocked")
                                .increment();
                        return activity.withdrawExecution(tenant, who, request.function().name(), hourStart, volume)
                                .chain(() -> raise(tenant, user, request.function(), a, SecurityEvent.BLOCKED))
                                .chain(() -> Uni.createFrom().failure(blocked(score)));
                    }
                    Uni<Void> logged = score > config.logAbove()
                            ? raise(tenant, user, request.function(), a, SecurityEvent.LOGGED)
                            : Uni.createFrom().voidItem();
                    return logged.replaceWith(a.score());
                });
    }

    private record Assessed(AnomalyScorer.Signals signals, AnomalyScorer.Baseline baseline, AnomalyScorer.Score score) {
    }

    /** The security event row and its SecurityEventRaised in one transaction. */
    private Uni<Void> raise(String tenant, String user, FunctionType function, Assessed a, String action) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("functionType", function.name());
        details.put("requestsThisHour", String.valueOf(a.signals().requestsThisHour()));
        details.put("usualPerUserHour", String.format("%.2f", a.baseline().perUserHour()));
        details.put("volume", String.valueOf(a.signals().volume()));
        details.put("usualVolume", String.format("%.1f", a.baseline().meanVolume().getOrDefault(a.signals().function(), 0.0)));
        details.put("hourOfDay", String.valueOf(a.signals().hourOfDay()));
        details.put("frequencySignal", String.valueOf(a.score().frequency()));
        details.put("volumeSignal", String.valueOf(a.score().volume()));
        details.put("timeOfDaySignal", String.valueOf(a.score().timeOfDay()));
        SecurityEvent e = new SecurityEvent();
        e.id = UUID.randomUUID();
        e.tenantId = tenant;
        e.userId = user;
        e.kind = KIND;
        e.score = a.score().score();
        e.action = action;
        e.functionType = function.name();
        e.details = write(details);
        e.createdAt = clock.instant();
        metrics.counter("ai.security.events", "kind", KIND, "action", action).increment();
        LOG.warnf("anomaly score %d for user %s (%s): %s %s", e.score, user, function, action, details);
        return Transient.bounded(Panache.withTransaction(() -> e.persist().chain(() -> outbox.publish(
                EventType.SecurityEventRaised, tenant, new SecurityEventRaised(user, KIND, e.score, action, details))))
                .replaceWithVoid(), databaseTimeout);
    }

    private ApiException blocked(int score) {
        return new ApiException(403, "SUSPICIOUS_ACTIVITY", "不審な利用が検知されました",
                "通常と大きく異なる利用（頻度・量・時間帯）が検知されたため、このリクエストは実行されませんでした。"
                        + "クレジットは消費されていません。時間をおいて再度お試しいただくか、管理者にお問い合わせください。",
                Map.of("score", score), Map.of());
    }

    private DistributionSummary summary(FunctionType function) {
        return DistributionSummary.builder("ai.anomaly.score").description("Anomaly score of each scored request (0-100)")
                .tag("function", function.name())
                .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
                .register(metrics);
    }

    /** A request's size: characters of input plus maxTokens for text functions, rows of data for the others. */
    static long volumeOf(EngineRequest request) {
        if (request.function() == FunctionType.CHATBOT || request.function() == FunctionType.CUSTOM) {
            return (long) request.promptChars() + request.maxTokens();
        }
        JsonNode options = request.options();
        if (options == null) {
            return 0;
        }
        int rows = options.isArray() ? options.size() : 0;
        for (JsonNode child : options) {
            if (child.isArray()) {
                rows = Math.max(rows, child.size());
            }
        }
        return rows;
    }

    /** Activity older than the baseline window (plus a day) is deleted hourly. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "anomaly-activity-cleanup")
    Uni<Void> deleteOldActivity() {
        return activity.deleteBefore(clock.instant().minus(config.baselineDays() + 1L, ChronoUnit.DAYS))
                .onFailure().invoke(e -> LOG.warnf("anomaly activity cleanup failed, next run retries: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private String write(Map<String, String> details) {
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
