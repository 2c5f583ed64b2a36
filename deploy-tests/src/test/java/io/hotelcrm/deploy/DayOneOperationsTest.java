package io.hotelcrm.deploy;

import static io.hotelcrm.deploy.Chart.SERVICES;
import static io.hotelcrm.deploy.Chart.name;
import static io.hotelcrm.deploy.Chart.ofKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.deploy.Chart.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an SRE would otherwise hit on day one (issue 14), each checked on the rendered chart or the platform
 * manifests: the HPA owns the replica count, rollouts outlast the longest request, the pools fit the
 * database, Kafka and Redis pass the restricted Pod Security profile, Alertmanager does not page on Watchdog,
 * the Secrets are listed, every value is documented.
 */
class DayOneOperationsTest {

    @ParameterizedTest
    @EnumSource(Values.class)
    void aDeploymentScaledByAnHpaSetsNoReplicasSoAnUpgradeNeverResetsTheScale(Values values) {
        List<JsonNode> objects = Chart.render(values);
        Set<String> scaled = new TreeSet<>();
        ofKind(objects, "HorizontalPodAutoscaler").forEach(h -> scaled.add(h.path("spec").path("scaleTargetRef").path("name").asText()));
        assertThat(scaled).hasSize(SERVICES.size() + 1);
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            assertThat(scaled).contains(name(deployment));
            assertThat(deployment.path("spec").has("replicas")).as(name(deployment) + " sets replicas next to its HPA").isFalse();
        }
    }

    @Test
    void withoutTheHpaTheDeploymentSetsItsReplicas() {
        List<JsonNode> objects = Chart.parse(Chart.renderText(Values.PRODUCTION,
                Map.of("services.billing-service.autoscaling.enabled", false, "dashboard.autoscaling.enabled", false)));
        JsonNode billing = ofKind(objects, "Deployment").stream().filter(d -> name(d).equals("aicredit-billing-service")).findFirst().orElseThrow();
        assertThat(billing.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(ofKind(objects, "HorizontalPodAutoscaler")).extracting(Chart::name)
                .doesNotContain("aicredit-billing-service", "aicredit-dashboard").contains("aicredit-credit-service");
    }

    /** The longest request: an execution waiting for the LLM plus its capture at credit-service. */
    @ParameterizedTest
    @EnumSource(Values.class)
    void shutdownAndTheGracePeriodOutlastTheLongestRequest(Values values) throws IOException {
        String gateway = Files.readString(Repo.root().resolve("ai-gateway-service/src/main/resources/application.properties"));
        Duration llm = duration(property(gateway, "gateway.llm.timeout").replaceAll("\\$\\{[A-Z_]+:(.*)}", "$1"));
        Duration credit = duration(property(gateway, "gateway.credit-service.timeout"));
        assertThat(llm).isEqualTo(Duration.ofSeconds(60));
        Duration longest = llm.plus(credit);
        for (JsonNode deployment : ofKind(Chart.render(values), "Deployment")) {
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            String shutdown = ChartTest.env(deployment, "QUARKUS_SHUTDOWN_TIMEOUT");
            assertThat(shutdown).as(name(deployment) + " quarkus.shutdown.timeout").isNotNull();
            Duration drain = duration(shutdown);
            assertThat(drain).as(name(deployment) + " lets requests in flight finish").isGreaterThan(longest);
            long preStop = preStopSleepSeconds(container);
            long grace = pod.path("terminationGracePeriodSeconds").asLong();
            // Kubernetes kills the pod at the grace period, counted from the start of preStop
            assertThat(grace).as(name(deployment) + " terminationGracePeriodSeconds")
                    .isGreaterThanOrEqualTo(preStop + drain.toSeconds() + 5);
        }
    }

    /**
     * Σ over services of (most pods × connections per pod) + the migration Jobs ≤ max_connections − reserved.
     * Most pods = HPA maxReplicas + the one extra pod of a rolling update (maxSurge).
     */
    @ParameterizedTest
    @EnumSource(Values.class)
    void thePoolsAtTheHpaMaximaFitTheDatabasesConnectionLimit(Values values) throws Exception {
        List<JsonNode> objects = Chart.render(values);
        Map<String, Integer> maxReplicas = new TreeMap<>();
        ofKind(objects, "HorizontalPodAutoscaler").forEach(h -> maxReplicas.put(
                h.path("spec").path("scaleTargetRef").path("name").asText(), h.path("spec").path("maxReplicas").asInt()));
        int total = 0;
        Map<String, Integer> perService = new LinkedHashMap<>();
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            String reactive = ChartTest.env(deployment, "QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE");
            if (name(deployment).endsWith("dashboard")) {
                assertThat(reactive).as("the dashboard has no database").isNull();
                continue;
            }
            int perPod = Integer.parseInt(reactive) + Integer.parseInt(ChartTest.env(deployment, "QUARKUS_DATASOURCE_JDBC_MAX_SIZE"));
            int surge = deployment.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt();
            int pods = maxReplicas.get(name(deployment)) + surge;
            perService.put(name(deployment), pods * perPod);
            total += pods * perPod;
        }
        assertThat(perService).hasSize(SERVICES.size());
        for (JsonNode job : ofKind(Chart.renderWithHooks(values), "Job")) {
            // Flyway only: the reactive pool opens no connection in an init-and-exit run
            total += Integer.parseInt(ChartTest.env(job, "QUARKUS_DATASOURCE_JDBC_MAX_SIZE"));
        }
        JsonNode chartValues = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile()).path("postgres");
        int maxConnections = chartValues.path("maxConnections").asInt();
        int reserved = chartValues.path("reservedConnections").asInt();
        assertThat(maxConnections).as("postgres.maxConnections is the server's max_connections (k8s/postgres.yaml)")
                .isEqualTo(serverMaxConnections());
        assertThat(total).as("connections at the HPA maxima " + perService + " (" + values + ")")
                .isLessThanOrEqualTo(maxConnections - reserved);
        assertThat(reserved).isGreaterThanOrEqualTo(10);
    }

    @Test
    void theChartRefusesToRenderPoolsThatDoNotFit() {
        assertThatThrownBy(() -> Chart.renderText(Values.PRODUCTION, Map.of("services.credit-service.database.pool.reactiveMaxSize", 20)))
                .hasMessageContaining("database connections");
    }

    /** PSS "restricted" (v1.25+) for every pod the platform runs: Redis, and each Strimzi operand's template. */
    @Test
    void kafkaAndRedisPodsPassTheRestrictedPodSecurityProfile() throws IOException {
        List<JsonNode> platform = platform();
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode workload : platform) {
            JsonNode pod = workload.path("spec").path("template").path("spec");
            if (pod.isMissingNode() || !pod.has("containers")) {
                continue;
            }
            List<JsonNode> containers = new ArrayList<>();
            pod.path("containers").forEach(containers::add);
            pod.path("initContainers").forEach(containers::add);
            for (JsonNode c : containers) {
                restricted(soft, name(workload) + "/" + c.path("name").asText(), pod.path("securityContext"), c.path("securityContext"));
            }
            soft.assertThat(pod.path("hostNetwork").asBoolean(false) || pod.path("hostPID").asBoolean(false)).as(name(workload) + " host namespaces").isFalse();
            pod.path("volumes").forEach(v -> soft.assertThat(v.has("hostPath")).as(name(workload) + " hostPath").isFalse());
        }
        soft.assertThat(platform.stream().filter(o -> o.path("kind").asText().equals("StatefulSet")).map(Chart::name))
                .as("the Redis StatefulSet was checked").contains("aicredit-redis");

        JsonNode pool = ofKind(platform, "KafkaNodePool").get(0).path("spec").path("template");
        restricted(soft, "Kafka broker/controller", pool.path("pod").path("securityContext"), pool.path("kafkaContainer").path("securityContext"));
        JsonNode kafka = ofKind(platform, "Kafka").get(0).path("spec");
        JsonNode eo = kafka.path("entityOperator").path("template");
        restricted(soft, "topic operator", eo.path("pod").path("securityContext"), eo.path("topicOperatorContainer").path("securityContext"));
        restricted(soft, "user operator", eo.path("pod").path("securityContext"), eo.path("userOperatorContainer").path("securityContext"));
        if (kafka.has("kafkaExporter")) {
            JsonNode ke = kafka.path("kafkaExporter").path("template");
            restricted(soft, "Kafka Exporter", ke.path("pod").path("securityContext"), ke.path("container").path("securityContext"));
        }
        soft.assertThat(kafka.has("cruiseControl")).as("add Cruise Control's templates to this test first").isFalse();
        // The operator's own restricted provider is documented where the operator is installed
        soft.assertThat(Files.readString(Repo.root().resolve("k8s/README.md"))).contains("STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted");
        soft.assertThat(Files.readString(Repo.root().resolve("k8s/namespace.yaml"))).contains("pod-security.kubernetes.io/enforce: restricted");
        soft.assertAll();
    }

    private static void restricted(SoftAssertions soft, String what, JsonNode pod, JsonNode container) {
        soft.assertThat(container.isObject()).as(what + " has a container securityContext").isTrue();
        soft.assertThat(container.path("allowPrivilegeEscalation").asBoolean(true)).as(what + " allowPrivilegeEscalation").isFalse();
        soft.assertThat(container.path("privileged").asBoolean(false)).as(what + " privileged").isFalse();
        List<String> drop = new ArrayList<>();
        container.path("capabilities").path("drop").forEach(d -> drop.add(d.asText()));
        soft.assertThat(drop).as(what + " drops all capabilities").contains("ALL");
        List<String> add = new ArrayList<>();
        container.path("capabilities").path("add").forEach(a -> add.add(a.asText()));
        soft.assertThat(add).as(what + " adds only NET_BIND_SERVICE").isSubsetOf("NET_BIND_SERVICE");
        boolean nonRoot = container.path("runAsNonRoot").asBoolean(false)
                || (pod.path("runAsNonRoot").asBoolean(false) && !container.path("runAsNonRoot").isBoolean());
        soft.assertThat(nonRoot).as(what + " runAsNonRoot").isTrue();
        soft.assertThat(container.path("runAsUser").asInt(1) != 0 && pod.path("runAsUser").asInt(1) != 0).as(what + " not UID 0").isTrue();
        String seccomp = container.path("seccompProfile").path("type").asText(pod.path("seccompProfile").path("type").asText());
        soft.assertThat(seccomp).as(what + " seccompProfile").isIn("RuntimeDefault", "Localhost");
    }

    /** Watchdog fires all the time by design; the routing must send it nowhere and page only on critical. */
    @Test
    void alertmanagerPagesOnCriticalOnlyAndNeverOnWatchdog() throws Exception {
        JsonNode stack = Chart.YAML.readTree(Repo.root().resolve("k8s/monitoring/kube-prometheus-stack-values.yaml").toFile());
        JsonNode config = stack.path("alertmanager").path("config");
        assertThat(config.isObject()).isTrue();
        Path dir = Files.createTempDirectory("aicredit-alertmanager-");
        try {
            Path file = dir.resolve("alertmanager.yml");
            Chart.YAML.writeValue(file.toFile(), config);
            Result check = amtool("check-config", file.toString());
            assertThat(check.exit).as(check.output).isZero();
            Map<String, String> routes = new LinkedHashMap<>();
            routes.put("alertname=Watchdog severity=none", "null");
            routes.put("alertname=Watchdog", "null");
            routes.put("alertname=InfoInhibitor severity=none", "null");
            routes.put("alertname=AicreditServiceDown severity=critical namespace=aicredit service=credit-service", "slack-oncall");
            routes.put("alertname=KubePodCrashLooping severity=warning namespace=aicredit", "slack-warnings");
            routes.put("alertname=AicreditKafkaUnreachable severity=warning namespace=aicredit service=billing-service", "slack-warnings");
            routes.put("alertname=CPUThrottlingHigh severity=info", "slack-warnings");
            for (Map.Entry<String, String> route : routes.entrySet()) {
                List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + file));
                args.addAll(List.of(route.getKey().split(" ")));
                Result test = amtool(args.toArray(String[]::new));
                assertThat(test.exit).as(test.output).isZero();
                // the receivers are the last line (amtool warns first that --config.file overrides its URL)
                String[] lines = test.output.trim().split("\n");
                assertThat(lines[lines.length - 1].trim()).as(route.getKey()).isEqualTo(route.getValue());
            }
        } finally {
            Chart.deleteTree(dir);
        }
    }

    /** Every Secret the chart and the platform read is listed, with its keys, and holds placeholders only. */
    @ParameterizedTest
    @EnumSource(Values.class)
    void everySecretReadIsInTheExampleWithPlaceholdersOnly(Values values) throws Exception {
        Path example = Repo.root().resolve("k8s/secrets.example.yaml");
        Map<String, Set<String>> listed = new TreeMap<>();
        for (JsonNode secret : Chart.parse(Files.readString(example))) {
            assertThat(secret.path("kind").asText()).isEqualTo("Secret");
            assertThat(secret.has("data")).as("plain stringData placeholders, not data").isFalse();
            Set<String> keys = new TreeSet<>();
            secret.path("stringData").fields().forEachRemaining(e -> {
                keys.add(e.getKey());
                boolean username = e.getKey().equals("username") && e.getValue().asText().matches("[a-z]+");
                assertThat(username || e.getValue().asText().startsWith("REPLACE_WITH_"))
                        .as(name(secret) + " " + e.getKey() + " is a placeholder").isTrue();
            });
            listed.put(name(secret), keys);
        }
        Map<String, Set<String>> read = new TreeMap<>();
        List<JsonNode> objects = new ArrayList<>(Chart.render(values));
        objects.addAll(platform());
        for (JsonNode object : objects) {
            object.findParents("secretKeyRef").forEach(p -> add(read, p.path("secretKeyRef")));
            for (JsonNode source : object.findValues("sources")) {
                for (JsonNode s : source) {
                    if (s.has("secret")) {
                        s.path("secret").path("items").forEach(i -> read.computeIfAbsent(s.path("secret").path("name").asText(), k -> new TreeSet<>()).add(i.path("key").asText()));
                    }
                }
            }
            object.findValues("passwordSecret").forEach(p -> read.computeIfAbsent(p.path("name").asText(), k -> new TreeSet<>()).add("password"));
            object.findValues("s3Credentials").forEach(c -> c.fields().forEachRemaining(e -> add(read, e.getValue())));
        }
        assertThat(read).as("Secrets found in the rendered chart and k8s/").containsKeys("aicredit-db-credit", "aicredit-redis", "aicredit-backup-s3");
        read.forEach((secret, keys) -> {
            assertThat(listed).as("k8s/secrets.example.yaml lists " + secret).containsKey(secret);
            assertThat(listed.get(secret)).as(secret + " keys").containsAll(keys);
        });
        assertThat(Files.readString(Repo.chart().resolve("templates/NOTES.txt"))).contains("k8s/secrets.example.yaml");
    }

    private static void add(Map<String, Set<String>> read, JsonNode ref) {
        read.computeIfAbsent(ref.path("name").asText(), k -> new TreeSet<>()).add(ref.path("key").asText());
    }

    /**
     * Every key of values.yaml has a {@code ## @param <path> <what it is>} line (bitnami's convention). Free-form maps
     * and lists (env, annotations, selectors, resources, routes) are documented as one key.
     */
    @Test
    void everyValuesKeyIsDocumentedWithParam() throws IOException {
        String text = Files.readString(Repo.chart().resolve("values.yaml"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) \\S.*$").matcher(text);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> keys = new TreeSet<>();
        collect(Chart.YAML.readTree(text), "", keys);
        assertThat(keys).hasSizeGreaterThan(50);
        Set<String> missing = new TreeSet<>(keys);
        missing.removeAll(documented);
        assertThat(missing).as("values keys without ## @param").isEmpty();
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(keys);
        assertThat(stale).as("## @param lines naming no key").isEmpty();
        assertThat(Files.readString(Repo.chart().resolve("README.md"))).contains("## Parameters", "values-production.yaml");
    }

    private static final Set<String> FREE_FORM = Set.of("env", "secretEnv", "annotations", "podAnnotations", "nodeSelector",
            "tolerations", "labels", "resources", "routes", "imagePullSecrets", "namespaceSelector", "podSelector", "keys", "pool");

    private static void collect(JsonNode node, String path, Set<String> keys) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue().isObject() && e.getValue().size() > 0 && !FREE_FORM.contains(e.getKey())) {
                collect(e.getValue(), key, keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static List<JsonNode> platform() throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("secrets.example.yaml"))
                    .sorted().toList()) {
                objects.addAll(Chart.parse(Files.readString(file)));
            }
        }
        return objects;
    }

    private static long preStopSleepSeconds(JsonNode container) {
        JsonNode command = container.path("lifecycle").path("preStop").path("exec").path("command");
        if (command.size() == 2 && command.get(0).asText().equals("sleep")) {
            return Long.parseLong(command.get(1).asText());
        }
        return container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong(0);
    }

    private static String property(String properties, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(.+)$").matcher(properties);
        assertThat(m.find()).as(key).isTrue();
        return m.group(1).trim();
    }

    private static Duration duration(String value) {
        Matcher m = Pattern.compile("^(\\d+)(ms|s|m)$").matcher(value.trim());
        assertThat(m.matches()).as("duration " + value).isTrue();
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    private static int serverMaxConnections() throws IOException {
        for (JsonNode cluster : ofKind(platform(), "Cluster")) {
            return Integer.parseInt(cluster.path("spec").path("postgresql").path("parameters").path("max_connections").asText());
        }
        throw new AssertionError("no CloudNativePG Cluster in k8s/");
    }

    private record Result(int exit, String output) {
    }

    private static Result amtool(String... args) throws Exception {
        String amtool = Stream.of(System.getenv("PATH").split(":")).map(p -> Path.of(p, "amtool"))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new AssertionError("amtool is not installed: apt-get install prometheus-alertmanager "
                        + "(./dev/test installs it through dev/lib.sh)"));
        List<String> command = new ArrayList<>();
        command.add(amtool);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("amtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
