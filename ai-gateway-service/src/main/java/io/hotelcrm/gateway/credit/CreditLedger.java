package io.hotelcrm.gateway.credit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotelcrm.contracts.FunctionType;
import io.hotelcrm.platform.problem.ApiException;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reserve, capture and release at credit-service with a short-lived service token. Retries reuse the
 * idempotency key, so a retried call can never charge twice; credit-service's problems are passed on
 * with their codes.
 */
@ApplicationScoped
public class CreditLedger {

    private final CreditClient client;
    private final ObjectMapper json;

    public CreditLedger(@RestClient CreditClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    public Uni<CreditClient.Hold> reserve(String tenant, String user, FunctionType function, long amount, String key,
                                          int timeoutSeconds) {
        return retrying(() -> client.reserve(bearer(), new CreditClient.ReserveRequest(tenant, amount, function.name(),
                key, timeoutSeconds, user)))
                .onFailure(WebApplicationException.class).transform(e -> translate((WebApplicationException) e, function, amount));
    }

    public Uni<CreditClient.Capture> capture(String holdId, long amount, String key, long executionMs, String description) {
        return retrying(() -> client.capture(bearer(), holdId, new CreditClient.CaptureRequest(amount, key,
                (int) Math.min(Integer.MAX_VALUE, executionMs), description, null)));
    }

    public Uni<CreditClient.Release> release(String holdId, String key) {
        return retrying(() -> client.release(bearer(), holdId, new CreditClient.ReleaseRequest(key)));
    }

    /** Retries transport failures and 5xx only, at most 3 times, with the same body (same key). */
    private static <T> Uni<T> retrying(java.util.function.Supplier<Uni<T>> call) {
        return Uni.createFrom().<T>deferred(call::get)
                .onFailure(e -> !(e instanceof WebApplicationException w) || w.getResponse().getStatus() >= 500)
                .retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(3);
    }

    private ApiException translate(WebApplicationException e, FunctionType function, long amount) {
        int status = e.getResponse().getStatus();
        JsonNode problem = body(e);
        String code = problem.path("code").asText("CREDIT_SERVICE_ERROR");
        if (status == 402) {
            return new ApiException(402, "INSUFFICIENT_CREDITS", "クレジット残高不足",
                    function.japaneseName() + "機能の実行には" + amount + "クレジットが必要です",
                    Map.of("required", amount, "available", problem.path("available").asLong()), Map.of());
        }
        return new ApiException(status >= 500 ? 503 : status, status >= 500 ? "CREDIT_SERVICE_UNAVAILABLE" : code,
                "クレジット処理でエラーが発生しました", problem.path("detail").asText(e.getMessage()));
    }

    private JsonNode body(WebApplicationException e) {
        try {
            return json.readTree(e.getResponse().readEntity(String.class));
        } catch (Exception ignored) {
            return json.createObjectNode();
        }
    }

    private static String bearer() {
        return "Bearer " + Jwt.subject("ai-gateway-service").groups(Set.of("service")).sign();
    }
}
