package io.hotelcrm.alert.health;

import io.hotelcrm.alert.config.AlertConfig;
import io.hotelcrm.alert.log.AlertDetail;
import io.hotelcrm.alert.log.AlertType;
import io.hotelcrm.alert.log.NewAlert;
import io.hotelcrm.alert.log.Severity;
import io.hotelcrm.alert.rule.AlertRaiser;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * SYSTEM_HEALTH: polls the other services' {@code /q/health} (SmallRye Health: readiness, which is the
 * database, and the wellness checks Kafka and Redis, which make a service degraded but not unready) every 30 s. WARNING for one failing check,
 * CRITICAL for more. It alerts when the set of failing checks changes, and once when all is well
 * again, not every 30 s while a problem lasts; the last state is kept in Redis so that several replicas
 * raise each change once. The alerts go to the operators' channels (alert.system.*).
 */
@ApplicationScoped
public class SystemHealthWatch {

    static final String STATE_KEY = "alert-service:health:failing";
    private static final Logger LOG = Logger.getLogger(SystemHealthWatch.class);

    private final AlertConfig config;
    private final WebClient http;
    private final ReactiveRedisDataSource redis;
    private final AlertRaiser raiser;

    public SystemHealthWatch(AlertConfig config, WebClient http, ReactiveRedisDataSource redis, AlertRaiser raiser) {
        this.config = config;
        this.http = http;
        this.redis = redis;
        this.raiser = raiser;
    }

    @Scheduled(every = "${alert.health.interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "health-watch")
    Uni<Void> poll() {
        return checkOnce()
                .onFailure().invoke(e -> LOG.warnf("health watch round failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One round: probe every target, compare with the last known state, alert on a change. */
    public Uni<HealthVerdict> checkOnce() {
        return Multi.createFrom().iterable(config.health().targets().entrySet())
                .onItem().transformToUniAndConcatenate(this::probe)
                .collect().asList()
                .chain(results -> {
                    List<String> failing = results.stream().flatMap(r -> r.failing().stream()).sorted().toList();
                    int total = results.stream().mapToInt(Probe::total).sum();
                    String state = String.join("\n", failing);
                    return redis.value(String.class).getset(STATE_KEY, state)
                            .chain(previous -> {
                                String before = previous == null ? "" : previous;
                                if (before.equals(state)) {
                                    return Uni.createFrom().item(new HealthVerdict(failing, total, false));
                                }
                                return Panache.withTransaction(() -> raiser.raise(alert(failing, total)))
                                        .onFailure().call(e -> redis.value(String.class).set(STATE_KEY, before))
                                        .replaceWith(new HealthVerdict(failing, total, true));
                            });
                });
    }

    private record Probe(List<String> failing, int total) {
    }

    private Uni<Probe> probe(Map.Entry<String, String> target) {
        String service = target.getKey();
        return http.getAbs(target.getValue())
                .timeout(config.health().timeout().toMillis())
                .send()
                .map(response -> {
                    JsonObject body;
                    try {
                        body = response.bodyAsJsonObject();
                    } catch (RuntimeException e) {
                        body = null;
                    }
                    if (body == null) {
                        return new Probe(List.of(service + ": HTTP " + response.statusCode()), 1);
                    }
                    JsonArray checks = body.getJsonArray("checks", new JsonArray());
                    List<String> failing = new ArrayList<>();
                    for (int i = 0; i < checks.size(); i++) {
                        JsonObject check = checks.getJsonObject(i);
                        if (!"UP".equals(check.getString("status"))) {
                            failing.add(service + ": " + check.getString("name"));
                        }
                    }
                    if (failing.isEmpty() && !"UP".equals(body.getString("status"))) {
                        failing.add(service + ": " + body.getString("status"));
                    }
                    return new Probe(failing, Math.max(1, checks.size()));
                })
                .onFailure().recoverWithItem(e -> new Probe(List.of(service + ": 応答なし"), 1));
    }

    private static NewAlert alert(List<String> failing, int total) {
        if (failing.isEmpty()) {
            return new NewAlert(NewAlert.SYSTEM_TENANT, AlertType.SYSTEM_HEALTH, Severity.INFO, "システムヘルスチェック",
                    "システムヘルスチェックは正常に戻りました",
                    List.of(new AlertDetail("正常なチェック", total + " / " + total)), null);
        }
        return new NewAlert(NewAlert.SYSTEM_TENANT, AlertType.SYSTEM_HEALTH,
                failing.size() > 1 ? Severity.CRITICAL : Severity.WARNING, "システムヘルスチェック",
                "システムヘルスチェックで問題が検出されました",
                List.of(new AlertDetail("問題のあるチェック", String.join("、", failing)),
                        new AlertDetail("失敗したチェック数", failing.size() + " / " + total)),
                null);
    }
}
