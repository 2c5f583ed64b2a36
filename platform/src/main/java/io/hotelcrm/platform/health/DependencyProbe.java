package io.hotelcrm.platform.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Probes Kafka (and Redis where the service uses it) in the background and remembers the result, so the
 * health checks and the {@code dependency_up} gauge answer from memory and a slow broker never slows a probe
 * of Kubernetes. A dependency that is down makes the service degraded, never unready: the outbox keeps the
 * events it would send, the gateway's limits follow {@code gateway.limits.on-redis-failure}.
 */
@ApplicationScoped
public class DependencyProbe {

    public static final String KAFKA = "kafka";
    public static final String REDIS = "redis";
    private static final Logger LOG = Logger.getLogger(DependencyProbe.class);

    private final String bootstrapServers;
    private final DependencyConfig config;
    private final Instance<ReactiveRedisDataSource> redis;
    private final Clock clock;
    private volatile DependencyState kafka = DependencyState.notProbedYet();
    private volatile DependencyState redisState = DependencyState.notProbedYet();
    private volatile Admin admin;

    public DependencyProbe(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                           DependencyConfig config, Instance<ReactiveRedisDataSource> redis, Clock clock,
                           MeterRegistry registry) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
        this.redis = redis;
        this.clock = clock;
        Gauge.builder("dependency.up", this, p -> p.kafka.up() ? 1 : 0).tag("dependency", KAFKA)
                .description("1 when the last probe reached the dependency, else 0 (the service is degraded)")
                .register(registry);
        if (config.redisEnabled()) {
            Gauge.builder("dependency.up", this, p -> p.redisState.up() ? 1 : 0).tag("dependency", REDIS)
                    .description("1 when the last probe reached the dependency, else 0 (the service is degraded)")
                    .register(registry);
        }
    }

    public DependencyState kafka() {
        return kafka;
    }

    public DependencyState redis() {
        return redisState;
    }

    public boolean watchesRedis() {
        return config.redisEnabled();
    }

    public String kafkaBootstrapServers() {
        return bootstrapServers;
    }

    @Scheduled(every = "${platform.dependencies.probe-interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "dependency-probe")
    void probe() {
        probeKafka();
        if (config.redisEnabled()) {
            probeRedis();
        }
    }

    void probeKafka() {
        DependencyState before = kafka;
        try {
            long timeout = config.probeTimeout().toMillis();
            admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout))
                    .clusterId().get(timeout + 500, TimeUnit.MILLISECONDS);
            kafka = before.reached(clock.instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            kafka = before.failed(clock.instant(), e.getCause() == null ? e : e.getCause(), config.failuresBeforeDown());
        } catch (Exception e) {
            kafka = before.failed(clock.instant(), e, config.failuresBeforeDown());
        }
        logChange(KAFKA, before, kafka);
    }

    void probeRedis() {
        DependencyState before = redisState;
        try {
            redis.get().execute("PING").await().atMost(config.probeTimeout());
            redisState = before.reached(clock.instant());
        } catch (Exception e) {
            redisState = before.failed(clock.instant(), e, config.failuresBeforeDown());
        }
        logChange(REDIS, before, redisState);
    }

    private static void logChange(String name, DependencyState before, DependencyState after) {
        if (after.up() && !before.up()) {
            LOG.infof("%s is reachable again; the service is no longer degraded", name);
        } else if (!after.up() && before.up()) {
            LOG.warnf("%s is unreachable, the service is degraded (it stays ready): %s", name, after.error());
        }
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Properties props = new Properties();
                    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "dependency-probe");
                    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.probeTimeout().toMillis());
                    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.probeTimeout().toMillis());
                    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
                    admin = Admin.create(props);
                }
                a = admin;
            }
        }
        return a;
    }

    void onStop(@Observes ShutdownEvent event) {
        Admin a;
        synchronized (this) {
            a = admin;
            admin = null;
        }
        if (a != null) {
            a.close(Duration.ofSeconds(1));
        }
    }
}
