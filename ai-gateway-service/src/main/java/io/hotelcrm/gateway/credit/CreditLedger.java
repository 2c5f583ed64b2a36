package io.hotelcrm.gateway.credit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.contracts.hold.HoldApi;
import io.hotelcrm.gateway.config.GatewayConfig;
import io.hotelcrm.platform.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.WebApplicationException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Reserve, capture, release and charge (reserve and capture at once) at credit-service. Every call is bounded by
 * {@code gateway.credit-service.timeout} and goes through one circuit breaker ({@value #BREAKER}), so a
 * dead or stalled credit-service costs one timeout per breaker window, not one per request; then
 * callers get 503 CREDIT_SERVICE_UNAVAILABLE with Retry-After at once. No retries here: a reservation
 * the client retries reuses its key, and a capture or release that failed is finished by the recovery
 * job. credit-service's 4xx problems (402 INSUFFICIENT_CREDITS with required and available, 409 ...) are passed
 * on as it sent them, so there is one wording of each, credit-service's.
 */
@ApplicationScoped
public class CreditLedger {

    public static final String BREAKER = "credit-service";
    private static final Logger LOG = Logger.getLogger(CreditLedger.class);
    private static final TypeLiteral<Uni<Object>> ANY_UNI = new TypeLiteral<>() { };
    /** RFC 7807 members the gateway sets itself on the problem it answers with. */
    private static final Set<String> PROBLEM_MEMBERS = Set.of("type", "title", "status", "detail", "instance", "code",
            "requestId");

    private final CreditClient client;
    private final ServiceToken token;
    private final ObjectMapper json;
    private final Guard guard;
    private final long timeoutMs;
    private final long breakerDelaySeconds;

    public CreditLedger(@RestClient CreditClient client, ServiceToken token, ObjectMapper json, GatewayConfig config,
                        MeterRegistry metrics) {
        this.client = client;
        this.token = token;
        this.json = json;
        GatewayConfig.CreditService credit = config.creditService();
        this.timeoutMs = credit.timeout().toMillis();
        this.breakerDelaySeconds = Math.max(1, credit.breaker().delay().toSeconds());
        AtomicInteger open = metrics.gauge("ai.credit.service.breaker.open", new AtomicInteger());
        this.guard = Guard.create().withDescription("credit-service hold API")
                .withCircuitBreaker().name(BREAKER)
                .failOn(List.of(CreditServiceUnavailableException.class, TimeoutException.class))
                .requestVolumeThreshold(credit.breaker().requestVolume())
                .failureRatio(credit.breaker().failureRatio())
                .delay(credit.breaker().delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .onStateChange(state -> {
                    LOG.warnf("circuit breaker %s is now %s", BREAKER, state);
                    open.set(state == CircuitBreakerState.CLOSED ? 0 : 1);
                })
                .done()
                .withTimeout().duration(timeoutMs, ChronoUnit.MILLIS).done()
                .withThreadOffload(false)
                .build();
    }

    public Uni<HoldApi.HoldView> reserve(String tenant, String user, FunctionType function, long amount, String key,
                                          int timeoutSeconds) {
        return guarded(() -> client.reserve(token.bearer(),
                new HoldApi.ReserveRequest(tenant, amount, function.name(), key, timeoutSeconds, user)));
    }

    public Uni<HoldApi.CaptureView> capture(String holdId, long amount, String key, long executionMs, String description) {
        return guarded(() -> client.capture(token.bearer(), holdId, new HoldApi.CaptureRequest(amount, key,
                (int) Math.min(Integer.MAX_VALUE, executionMs), description, null)));
    }

    /** A reserve and its capture in one call, under the keys the two calls would use (either replays it). */
    public Uni<HoldApi.CaptureView> charge(String tenant, String user, FunctionType function, long worstCase,
                                           String holdKey, int timeoutSeconds, long amount, String captureKey,
                                           long executionMs, String description) {
        return guarded(() -> client.charge(token.bearer(), new HoldApi.ChargeRequest(
                new HoldApi.ReserveRequest(tenant, worstCase, function.name(), holdKey, timeoutSeconds, user),
                new HoldApi.CaptureRequest(amount, captureKey, (int) Math.min(Integer.MAX_VALUE, executionMs),
                        description, null))));
    }

    public Uni<HoldApi.ReleaseView> release(String holdId, String key) {
        return guarded(() -> client.release(token.bearer(), holdId, new HoldApi.ReleaseRequest(key)));
    }

    @SuppressWarnings("unchecked")
    private <T> Uni<T> guarded(Supplier<Uni<T>> call) {
        Context caller = Vertx.currentContext();
        Uni<Object> result = guard.get(() -> (Uni<Object>) call.get().onFailure().transform(this::classify),
                ANY_UNI);
        result = result.onFailure(e -> !(e instanceof ApiException)).transform(this::unavailable);
        // The breaker's timer answers on its own thread; the caller's next step (Hibernate Reactive) needs
        // the caller's event loop back.
        return (Uni<T>) (caller == null ? result : result.emitOn(task -> caller.runOnContext(v -> task.run())));
    }

    /** What the breaker and the timeout let through, said as a 503. */
    private ApiException unavailable(Throwable e) {
        if (e instanceof CircuitBreakerOpenException) {
            return new CreditServiceUnavailableException("credit-service is failing; calls are paused (circuit open)",
                    breakerDelaySeconds);
        }
        if (e instanceof TimeoutException) {
            return new CreditServiceUnavailableException("credit-service did not answer within " + timeoutMs + " ms", 1);
        }
        LOG.warnf("credit-service call failed: %s", e.toString());
        return new CreditServiceUnavailableException("credit-service cannot be reached", 1);
    }

    private ApiException classify(Throwable e) {
        if (!(e instanceof WebApplicationException w)) {
            return new CreditServiceUnavailableException("credit-service cannot be reached: " + e.getClass().getSimpleName(), 1);
        }
        int status = w.getResponse().getStatus();
        JsonNode problem = body(w);
        if (status >= 500) {
            long retryAfter = parseRetryAfter(w.getResponse().getHeaderString("Retry-After"));
            return new CreditServiceUnavailableException("credit-service answered " + status + " "
                    + problem.path("code").asText(""), retryAfter);
        }
        return relayed(status, problem);
    }

    /** credit-service's problem as it sent it (code, title, detail, members such as required and available). */
    private static ApiException relayed(int status, JsonNode problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        problem.fields().forEachRemaining(field -> {
            if (!PROBLEM_MEMBERS.contains(field.getKey())) {
                members.put(field.getKey(), field.getValue());
            }
        });
        return new ApiException(status, problem.path("code").asText("CREDIT_SERVICE_ERROR"),
                problem.path("title").asText("クレジット処理でエラーが発生しました"), problem.path("detail").asText(null),
                members, Map.of());
    }

    private static long parseRetryAfter(String header) {
        try {
            return header == null ? 1 : Math.max(1, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private JsonNode body(WebApplicationException e) {
        try {
            return json.readTree(e.getResponse().readEntity(String.class));
        } catch (Exception ignored) {
            return json.createObjectNode();
        }
    }
}
