package io.hotelcrm.deploy;

import static io.hotelcrm.deploy.Chart.SERVICES;
import static io.hotelcrm.deploy.Chart.name;
import static io.hotelcrm.deploy.Chart.ofKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.hotelcrm.deploy.Chart.Values;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** helm lint and helm template of the chart, and what every rendered object must be. */
class ChartTest {

    private static final Map<Values, List<JsonNode>> RENDERED = new EnumMap<>(Values.class);
    private static final Map<Values, List<JsonNode>> WITH_HOOKS = new EnumMap<>(Values.class);
    private static final Pattern PINNED_IMAGE = Pattern.compile("^[^\\s:@]+(:[0-9]+)?(/[^\\s:@]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$");

    @BeforeAll
    static void render() throws Exception {
        for (Values values : Values.values()) {
            RENDERED.put(values, Chart.render(values));
            WITH_HOOKS.put(values, Chart.renderWithHooks(values));
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void helmLintStrictPasses(Values values) throws Exception {
        LintResult result = Chart.lint(values);
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyServiceHasDeploymentServiceHpaPdbAndNetworkPolicy(Values values) {
        List<JsonNode> objects = RENDERED.get(values);
        for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy")) {
            List<String> selected = ofKind(objects, kind).stream().map(ChartTest::selectedService).toList();
            assertThat(selected).as(kind + " per service and the dashboard (" + values + ")").containsAll(SERVICES).contains("dashboard");
        }
        for (JsonNode hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
            JsonNode spec = hpa.path("spec");
            assertThat(spec.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
            assertThat(deployment(objects, spec.path("scaleTargetRef").path("name").asText())).as(name(hpa)).isNotNull();
            assertThat(spec.path("minReplicas").asInt()).as(name(hpa)).isGreaterThanOrEqualTo(2)
                    .isLessThanOrEqualTo(spec.path("maxReplicas").asInt());
        }
        for (JsonNode pdb : ofKind(objects, "PodDisruptionBudget")) {
            JsonNode deployment = deploymentOf(objects, selectedService(pdb));
            int minAvailable = pdb.path("spec").path("minAvailable").asInt();
            int minReplicas = ofKind(objects, "HorizontalPodAutoscaler").stream()
                    .filter(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(name(deployment)))
                    .findFirst().orElseThrow().path("spec").path("minReplicas").asInt();
            // A drain must be able to evict at least one pod.
            assertThat(minAvailable).as(name(pdb)).isGreaterThanOrEqualTo(1).isLessThan(minReplicas);
        }
        if (values == Values.PRODUCTION) {
            // product.md: three replicas in production; the HPA holds them (the Deployments set no replicas)
            for (JsonNode hpa : ofKind(objects, "HorizontalPodAutoscaler")) {
                assertThat(hpa.path("spec").path("minReplicas").asInt()).as(name(hpa)).isEqualTo(3);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyContainerIsProbedBoundedUnprivilegedAndPinned(Values values) {
        SoftAssertions soft = new SoftAssertions();
        List<JsonNode> workloads = new ArrayList<>(ofKind(RENDERED.get(values), "Deployment"));
        workloads.addAll(ofKind(WITH_HOOKS.get(values), "Job"));
        assertThat(ofKind(RENDERED.get(values), "Deployment")).hasSize(SERVICES.size() + 1); // and the dashboard
        for (JsonNode workload : workloads) {
            JsonNode pod = workload.path("spec").path("template").path("spec");
            boolean longRunning = workload.path("kind").asText().equals("Deployment");
            soft.assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(name(workload) + " pod runAsNonRoot").isTrue();
            soft.assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(name(workload) + " token").isFalse();
            List<JsonNode> containers = new ArrayList<>();
            pod.path("containers").forEach(containers::add);
            pod.path("initContainers").forEach(containers::add);
            soft.assertThat(containers).as(name(workload) + " containers").isNotEmpty();
            for (JsonNode c : containers) {
                String what = name(workload) + "/" + c.path("name").asText();
                if (longRunning) {
                    soft.assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).as(what + " liveness").isEqualTo("/q/health/live");
                    soft.assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).as(what + " readiness").isEqualTo("/q/health/ready");
                    soft.assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).as(what + " startup").isEqualTo("/q/health/started");
                }
                for (String bound : List.of("requests", "limits")) {
                    soft.assertThat(c.path("resources").path(bound).path("cpu").asText()).as(what + " cpu " + bound).isNotEmpty();
                    soft.assertThat(c.path("resources").path(bound).path("memory").asText()).as(what + " memory " + bound).isNotEmpty();
                }
                JsonNode security = c.path("securityContext");
                soft.assertThat(security.path("runAsNonRoot").asBoolean()).as(what + " runAsNonRoot").isTrue();
                soft.assertThat(security.path("runAsUser").asInt()).as(what + " runAsUser").isEqualTo(185);
                soft.assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what + " readOnlyRootFilesystem").isTrue();
                soft.assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what + " allowPrivilegeEscalation").isFalse();
                soft.assertThat(texts(security.path("capabilities").path("drop"))).as(what + " capabilities").contains("ALL");
                String image = c.path("image").asText();
                soft.assertThat(image).as(what + " image").matches(PINNED_IMAGE).doesNotEndWith(":latest");
                // A read-only root needs a writable /tmp for Quarkus and the JVM.
                soft.assertThat(mountPaths(c)).as(what + " mounts").contains("/tmp");
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void credentialsAreReferencedFromSecretsNeverInlined(Values values) {
        List<JsonNode> objects = RENDERED.get(values);
        assertThat(ofKind(objects, "Secret")).as("the chart creates no Secret").isEmpty();
        Pattern secretName = Pattern.compile("(?i).*(PASSWORD|SECRET|API_KEY|TOKEN|PRIVATE).*");
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
            if ("dashboard".equals(selectedService(deployment))) {
                continue; // no credentials at all: theIngressRoutesEverythingElseToTheDashboard… checks it has no secretKeyRef
            }
            Set<String> fromSecrets = new HashSet<>();
            for (JsonNode env : container.path("env")) {
                String var = env.path("name").asText();
                if (env.has("valueFrom")) {
                    if (env.path("valueFrom").has("secretKeyRef")) {
                        fromSecrets.add(var);
                    }
                } else {
                    assertThat(var).as(name(deployment) + " sets " + var + " inline").doesNotMatch(secretName);
                    assertThat(env.path("value").asText()).as(name(deployment) + " " + var).doesNotContainPattern("://[^/\\s]*:[^/\\s]*@");
                }
            }
            assertThat(fromSecrets).as(name(deployment)).contains("DB_USER", "DB_PASSWORD", "QUARKUS_REDIS_PASSWORD");
            List<String> projected = StreamSupport.stream(
                            deployment.path("spec").path("template").path("spec").path("volumes").spliterator(), false)
                    .flatMap(v -> StreamSupport.stream(v.path("projected").path("sources").spliterator(), false))
                    .map(s -> s.path("secret").path("name").asText()).toList();
            assertThat(projected).as(name(deployment) + " JWT keys from Secrets").contains("aicredit-jwt-issuer");
            if (selectedService(deployment).equals("ai-gateway-service")) {
                assertThat(projected).contains("aicredit-gateway-signing");
            } else {
                assertThat(projected).doesNotContain("aicredit-gateway-signing");
            }
        }
        for (JsonNode configMap : ofKind(objects, "ConfigMap")) {
            assertThat(configMap.path("data").toString()).as(name(configMap)).doesNotContainPattern("(?i)password\\s*[=:]\\s*\\w");
        }
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void onlyTheGatewayReachesCreditServiceAndTheInternalApiIsNotRouted(Values values) {
        List<JsonNode> objects = RENDERED.get(values);
        List<JsonNode> policies = ofKind(objects, "NetworkPolicy");
        assertThat(policies).as("a default-deny policy covers every pod of the release").anySatisfy(p -> {
            assertThat(p.path("spec").path("podSelector").path("matchLabels").path("app.kubernetes.io/part-of").asText()).isEqualTo("aicredit");
            assertThat(p.path("spec").has("ingress")).isFalse();
            assertThat(texts(p.path("spec").path("policyTypes"))).contains("Ingress");
        });
        JsonNode credit = policies.stream().filter(p -> "credit-service".equals(selectedService(p))).findFirst().orElseThrow();
        List<JsonNode> peers = new ArrayList<>();
        credit.path("spec").path("ingress").forEach(rule -> rule.path("from").forEach(peers::add));
        // Peers in the release's namespace are pod selectors without a namespace selector.
        List<String> podsInNamespace = peers.stream().filter(p -> !p.has("namespaceSelector") && !p.has("ipBlock"))
                .map(p -> p.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText()).toList();
        assertThat(podsInNamespace).containsExactly("ai-gateway-service");
        assertThat(peers).noneMatch(p -> p.has("ipBlock"));
        for (JsonNode peer : peers) {
            if (peer.has("namespaceSelector")) {
                assertThat(peer.path("namespaceSelector").path("matchLabels").size())
                        .as("other namespaces are named, never all of them: " + peer).isPositive();
            }
        }
        // Besides, alert-service's health watch calls the others and credit-service reads billing's package
        // catalogue (auto-purchase settings); alert-service itself is called by no service.
        Map<String, List<String>> callers = Map.of("ai-gateway-service", List.of("alert-service"),
                "billing-service", List.of("alert-service", "credit-service"), "alert-service", List.of());
        for (JsonNode policy : policies) {
            String svc = selectedService(policy);
            if (svc != null && callers.containsKey(svc)) {
                List<String> inNamespace = new ArrayList<>();
                policy.path("spec").path("ingress").forEach(rule -> rule.path("from").forEach(peer -> {
                    if (!peer.has("namespaceSelector")) {
                        inNamespace.add(peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText());
                    }
                }));
                assertThat(inNamespace).as(svc + " lets in").isEqualTo(callers.get(svc));
            }
        }
        JsonNode ingress = ofKind(objects, "Ingress").get(0);
        Map<String, String> routes = new java.util.LinkedHashMap<>();
        ingress.path("spec").path("rules").get(0).path("http").path("paths")
                .forEach(p -> routes.put(p.path("path").asText(), p.path("backend").path("service").path("name").asText()));
        assertThat(routes.keySet()).noneMatch(p -> p.startsWith("/internal"));
        assertThat(routes).containsEntry("/api/v1/credits", "aicredit-credit-service")
                .containsEntry("/api/v1/ai", "aicredit-ai-gateway-service")
                .containsEntry("/webhook/stripe", "aicredit-billing-service")
                .containsEntry("/api/v1/alerts", "aicredit-alert-service");
        if (values == Values.PRODUCTION) {
            assertThat(routes).containsKey("/");
            assertThat(ingress.path("spec").path("tls")).isNotEmpty();
        }
    }

    @Test
    void everyPublicPathOfEveryServiceIsRoutedToThatServiceAndNoInternalOne() throws Exception {
        JsonNode ingress = ofKind(RENDERED.get(Values.DEFAULT), "Ingress").get(0);
        Map<String, String> routes = new java.util.TreeMap<>();
        ingress.path("spec").path("rules").get(0).path("http").path("paths")
                .forEach(p -> routes.put(p.path("path").asText(), p.path("backend").path("service").path("name").asText()));
        Pattern classPath = Pattern.compile("(?m)^@Path\\(\"([^\"]+)\"\\)");
        int checked = 0;
        for (String service : SERVICES) {
            java.nio.file.Path sources = Repo.root().resolve(service + "/src/main/java");
            List<java.nio.file.Path> files;
            try (var walk = java.nio.file.Files.walk(sources)) {
                files = walk.filter(f -> f.toString().endsWith(".java")).toList();
            }
            for (java.nio.file.Path file : files) {
                String source = java.nio.file.Files.readString(file);
                if (source.contains("@RegisterRestClient")) {
                    continue; // a client of another service's path, not a path this service serves
                }
                var m = classPath.matcher(source);
                while (m.find()) {
                    String path = m.group(1);
                    // Prefix match on whole segments, longest first, as the Ingress' Prefix paths do
                    String backend = routes.entrySet().stream()
                            .filter(r -> path.equals(r.getKey()) || path.startsWith(r.getKey().endsWith("/") ? r.getKey() : r.getKey() + "/"))
                            .max(java.util.Comparator.comparingInt(r -> r.getKey().length()))
                            .map(Map.Entry::getValue).orElse(null);
                    if (path.startsWith("/internal")) {
                        // only the dashboard's catch-all "/" may match it, and the dashboard serves no such path
                        assertThat(backend).as(path + " of " + service + " must not be routed to a service")
                                .isIn(null, "aicredit-dashboard");
                    } else {
                        assertThat(backend).as(path + " of " + service).isEqualTo("aicredit-" + service);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).as("public resource classes found").isGreaterThan(10);
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void everyVariableTheChartSetsIsOneTheServiceReads(Values values) throws Exception {
        Pattern reference = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
        Set<String> shared = new HashSet<>();
        var platform = reference.matcher(java.nio.file.Files.readString(
                Repo.root().resolve("platform/src/main/resources/META-INF/microprofile-config.properties")));
        while (platform.find()) {
            shared.add(platform.group(1));
        }
        for (JsonNode deployment : ofKind(RENDERED.get(values), "Deployment")) {
            String service = selectedService(deployment);
            Set<String> read = new HashSet<>(shared);
            var m = reference.matcher(java.nio.file.Files.readString(
                    Repo.root().resolve(service + "/src/main/resources/application.properties")));
            while (m.find()) {
                read.add(m.group(1));
            }
            for (JsonNode env : deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
                String var = env.path("name").asText();
                // QUARKUS_* are Quarkus' own properties; JAVA_OPTS_APPEND is read by the image's run-java.sh
                if (!var.startsWith("QUARKUS_") && !var.equals("JAVA_OPTS_APPEND")) {
                    assertThat(read).as(service + " reads " + var).contains(var);
                }
            }
        }
    }

    /** The guide's API limits per tenant and minute reach every service, each the figure of its own APIs. */
    @ParameterizedTest
    @EnumSource(Values.class)
    void everyServiceGetsTheGuidesApiLimits(Values values) {
        List<JsonNode> objects = RENDERED.get(values);
        for (String service : List.of("credit-service", "ai-gateway-service", "billing-service", "alert-service")) {
            JsonNode deployment = deploymentOf(objects, service);
            assertThat(env(deployment, "API_LIMITS_ENABLED")).as(service).isEqualTo("true");
            assertThat(env(deployment, "API_LIMITS_ON_REDIS_FAILURE")).as(service).isEqualTo("allow");
            assertThat(env(deployment, "API_LIMIT_GLOBAL")).as(service).isEqualTo("1000");
        }
        assertThat(env(deploymentOf(objects, "ai-gateway-service"), "API_LIMIT_CREDIT_USAGE")).isEqualTo("100");
        assertThat(env(deploymentOf(objects, "billing-service"), "API_LIMIT_PURCHASE")).isEqualTo("10");
        assertThat(env(deploymentOf(objects, "credit-service"), "API_LIMIT_ANALYTICS")).isEqualTo("50");
    }

    @ParameterizedTest
    @EnumSource(Values.class)
    void theIngressRoutesEverythingElseToTheDashboardWhichHoldsNoCredentialsAndNoDevSignIn(Values values) {
        List<JsonNode> objects = RENDERED.get(values);
        JsonNode dashboard = deploymentOf(objects, "dashboard");
        JsonNode service = ofKind(objects, "Service").stream().filter(s -> "dashboard".equals(selectedService(s))).findFirst().orElseThrow();
        JsonNode root = StreamSupport.stream(ofKind(objects, "Ingress").get(0).path("spec").path("rules").get(0)
                .path("http").path("paths").spliterator(), false).filter(p -> p.path("path").asText().equals("/")).findFirst().orElseThrow();
        assertThat(root.path("backend").path("service").path("name").asText()).isEqualTo(name(service));
        assertThat(root.path("backend").path("service").path("port").path("name").asText()).isEqualTo("http");
        assertThat(env(dashboard, "DASHBOARD_MODE")).isEqualTo("production");
        JsonNode container = dashboard.path("spec").path("template").path("spec").path("containers").get(0);
        for (JsonNode e : container.path("env")) {
            assertThat(e.path("name").asText()).as("no dev sign-in or proxy in the cluster").doesNotStartWith("DASHBOARD_DEV").isNotEqualTo("DASHBOARD_PROXY_ROUTES");
            assertThat(e.has("valueFrom")).as("the dashboard needs no Secret: " + e).isFalse();
        }
        JsonNode policy = ofKind(objects, "NetworkPolicy").stream().filter(p -> "dashboard".equals(selectedService(p))).findFirst().orElseThrow();
        // Only the ingress controller and Prometheus: no service of the suite has a reason to call the dashboard
        assertThat(policy.path("spec").path("ingress").get(0).path("from")).hasSize(2);
        if (values == Values.PRODUCTION) {
            assertThat(env(dashboard, "STRIPE_PUBLISHABLE_KEY")).startsWith("pk_live_");
        }
    }

    @Test
    void theGatewayCallsCreditServiceThroughItsService() {
        JsonNode gateway = deploymentOf(RENDERED.get(Values.DEFAULT), "ai-gateway-service");
        String url = env(gateway, "CREDIT_SERVICE_URL");
        JsonNode creditService = ofKind(RENDERED.get(Values.DEFAULT), "Service").stream()
                .filter(s -> "credit-service".equals(selectedService(s))).findFirst().orElseThrow();
        assertThat(url).isEqualTo("http://" + name(creditService) + ":" + creditService.path("spec").path("ports").get(0).path("port").asInt());
    }

    @Test
    void creditServiceReadsBillingsCatalogueThroughItsService() {
        JsonNode credit = deploymentOf(RENDERED.get(Values.DEFAULT), "credit-service");
        JsonNode billingService = ofKind(RENDERED.get(Values.DEFAULT), "Service").stream()
                .filter(s -> "billing-service".equals(selectedService(s))).findFirst().orElseThrow();
        assertThat(env(credit, "BILLING_SERVICE_URL")).isEqualTo("http://" + name(billingService) + ":"
                + billingService.path("spec").path("ports").get(0).path("port").asInt());
    }

    /** PaymentActionRequired links an admin to <dashboard>/purchases/<id>/confirm: the address hotels reach the dashboard at. */
    @ParameterizedTest
    @EnumSource(Values.class)
    void billingLinksAdminsToThePublicDashboard(Values values) {
        JsonNode billing = deploymentOf(RENDERED.get(values), "billing-service");
        JsonNode rule = ofKind(RENDERED.get(values), "Ingress").get(0).path("spec").path("rules").get(0);
        boolean tls = ofKind(RENDERED.get(values), "Ingress").get(0).path("spec").path("tls").size() > 0;
        assertThat(env(billing, "DASHBOARD_URL")).isEqualTo((tls ? "https://" : "http://") + rule.path("host").asText());
        assertThat(env(billing, "DASHBOARD_URL")).isEqualTo(values == Values.PRODUCTION ? "https://credits.hotelcrm.jp"
                : "http://credits.hotelcrm.local");
        // Behind a load balancer that terminates TLS (no tlsSecret), ingress.publicUrl says where hotels are
        JsonNode behindLb = deploymentOf(Chart.parse(Chart.renderText(values, Map.of("ingress.publicUrl",
                "https://credits.example.jp:8443"))), "billing-service");
        assertThat(env(behindLb, "DASHBOARD_URL")).isEqualTo("https://credits.example.jp:8443");
        assertThatThrownBy(() -> Chart.renderText(values, Map.of("ingress.publicUrl", "https://credits.example.jp/app/")))
                .hasMessageContaining("publicUrl");
    }

    @Test
    void productionMigratesInAHookJobBeforeTheRollout() throws Exception {
        List<JsonNode> jobs = ofKind(WITH_HOOKS.get(Values.PRODUCTION), "Job");
        assertThat(jobs).hasSize(SERVICES.size());
        for (JsonNode job : jobs) {
            assertThat(job.path("metadata").path("annotations").path("helm.sh/hook").asText()).contains("pre-upgrade", "pre-install");
            JsonNode container = job.path("spec").path("template").path("spec").path("containers").get(0);
            assertThat(env(job, "QUARKUS_INIT_AND_EXIT")).isEqualTo("true");
            assertThat(container.path("envFrom").isMissingNode()).as("hooks run before the chart's ConfigMaps exist").isTrue();
        }
        assertThat(ofKind(WITH_HOOKS.get(Values.DEFAULT), "Job")).isEmpty();
    }

    @Test
    void theSchemaRefusesLatestAndInlineRedisCredentials() {
        assertThatThrownBy(() -> Chart.renderText(Values.DEFAULT, Map.of("image.tag", "latest")))
                .hasMessageContaining("image");
        assertThatThrownBy(() -> Chart.renderText(Values.DEFAULT, Map.of("services.credit-service.image.tag", "latest")))
                .hasMessageContaining("tag");
        assertThatThrownBy(() -> Chart.renderText(Values.DEFAULT, Map.of("redis.url", "redis://:hunter2@redis:6379")))
                .hasMessageContaining("url");
    }

    @Test
    void grafanaDashboardsAreConfigMapsTheSidecarFinds() throws Exception {
        List<JsonNode> maps = ofKind(RENDERED.get(Values.DEFAULT), "ConfigMap").stream()
                .filter(m -> m.path("metadata").path("labels").has("grafana_dashboard")).toList();
        Set<String> titles = new HashSet<>();
        for (JsonNode map : maps) {
            assertThat(map.path("data").size()).isEqualTo(1);
            JsonNode dashboard = Chart.JSON.readTree(map.path("data").elements().next().asText());
            titles.add(dashboard.path("title").asText());
            assertThat(dashboard.path("uid").asText()).as(name(map)).isNotEmpty();
            assertThat(Dashboards.expressions(dashboard)).as(name(map) + " queries").isNotEmpty();
        }
        assertThat(titles).hasSize(5).allMatch(t -> t.startsWith("AI credits"));
    }

    static String env(JsonNode workload, String var) {
        for (JsonNode env : workload.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            if (env.path("name").asText().equals(var)) {
                return env.path("value").asText();
            }
        }
        return null;
    }

    private static String selectedService(JsonNode object) {
        JsonNode spec = object.path("spec");
        JsonNode labels = spec.has("selector") && spec.path("selector").has("matchLabels") ? spec.path("selector").path("matchLabels")
                : spec.has("podSelector") ? spec.path("podSelector").path("matchLabels")
                : spec.has("scaleTargetRef") ? null : spec.path("selector");
        if (labels == null) {
            String target = spec.path("scaleTargetRef").path("name").asText();
            return java.util.stream.Stream.concat(SERVICES.stream(), java.util.stream.Stream.of("dashboard"))
                    .filter(s -> target.endsWith(s)).findFirst().orElse(null);
        }
        return labels.path("app.kubernetes.io/name").isMissingNode() ? null : labels.path("app.kubernetes.io/name").asText();
    }

    private static JsonNode deployment(List<JsonNode> objects, String name) {
        return ofKind(objects, "Deployment").stream().filter(d -> name(d).equals(name)).findFirst().orElse(null);
    }

    private static JsonNode deploymentOf(List<JsonNode> objects, String service) {
        return ofKind(objects, "Deployment").stream().filter(d -> service.equals(selectedService(d))).findFirst().orElseThrow();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> mountPaths(JsonNode container) {
        return texts(container.path("volumeMounts").findValues("mountPath").stream()
                .collect(Chart.JSON::createArrayNode, (a, n) -> a.add(n), (a, b) -> a.addAll(b)));
    }
}
