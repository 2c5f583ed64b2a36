package io.hotelcrm.deploy;

import static io.hotelcrm.deploy.Chart.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** k8s/: the platform the chart expects, and that the two agree on names. */
class PlatformManifestsTest {

    private static List<JsonNode> platform;
    private static JsonNode values;

    @BeforeAll
    static void parse() throws IOException {
        platform = new ArrayList<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                platform.addAll(Chart.parse(Files.readString(file)));
            }
        }
        values = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile());
    }

    @Test
    void everyTopicTheServicesUseIsDeclaredWithReplicationAndRetention() throws IOException {
        Set<String> used = new TreeSet<>();
        String topicsJava = Files.readString(Repo.root().resolve("contracts/src/main/java/io/hotelcrm/contracts/Topics.java"));
        Matcher constant = Pattern.compile("=\\s*\"([a-z0-9.-]+)\"").matcher(topicsJava);
        while (constant.find()) {
            used.add(constant.group(1));
        }
        Pattern property = Pattern.compile("(?m)^mp\\.messaging\\.(?:incoming|outgoing)\\.[^.]+\\.(?:topic|dead-letter-queue\\.topic)=([^\\s$]+)\\s*$");
        for (String service : Chart.SERVICES) {
            Matcher m = property.matcher(Files.readString(Repo.root().resolve(service + "/src/main/resources/application.properties")));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).contains("credit.events", "billing.events", "gateway.events");
        List<JsonNode> topics = ofKind(platform, "KafkaTopic");
        Set<String> declared = new TreeSet<>();
        for (JsonNode topic : topics) {
            declared.add(topic.path("spec").path("topicName").asText());
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("aicredit-kafka");
            assertThat(topic.path("spec").path("replicas").asInt()).isEqualTo(3);
            assertThat(topic.path("spec").path("partitions").asInt()).isPositive();
            assertThat(topic.path("spec").path("config").path("retention.ms").asLong()).isPositive();
            assertThat(topic.path("spec").path("config").path("min.insync.replicas").asInt()).isEqualTo(2);
        }
        assertThat(declared).as("KafkaTopics in k8s/kafka-topics.yaml").containsAll(used);
    }

    @Test
    void kafkaRunsInKraftModeWithANodePoolAndTheBootstrapTheChartUses() {
        JsonNode kafka = ofKind(platform, "Kafka").get(0);
        assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText()).isEqualTo("enabled");
        assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/node-pools").asText()).isEqualTo("enabled");
        assertThat(kafka.path("spec").has("zookeeper")).isFalse();
        JsonNode pool = ofKind(platform, "KafkaNodePool").get(0);
        assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(Chart.name(kafka));
        assertThat(pool.path("spec").path("roles").toString()).contains("controller", "broker");
        assertThat(kafka.path("spec").path("kafka").path("config").path("auto.create.topics.enable").asBoolean(true)).isFalse();
        int port = kafka.path("spec").path("kafka").path("listeners").get(0).path("port").asInt();
        assertThat(values.path("kafka").path("bootstrapServers").asText())
                .isEqualTo(Chart.name(kafka) + "-kafka-bootstrap:" + port);
    }

    @Test
    void postgresHasOneDatabaseAndRoleForEveryServiceWithTheSecretsTheChartReads() {
        JsonNode cluster = ofKind(platform, "Cluster").get(0);
        assertThat(values.path("postgres").path("host").asText()).isEqualTo(Chart.name(cluster) + "-rw");
        assertThat(cluster.path("spec").path("imageName").asText()).matches(".*:15\\.[0-9]+$");
        assertThat(cluster.path("spec").path("backup").path("barmanObjectStore").isObject()).isTrue();
        assertThat(ofKind(platform, "ScheduledBackup")).isNotEmpty();
        for (String service : Chart.SERVICES) {
            JsonNode db = values.path("services").path(service).path("database");
            String name = db.path("name").asText();
            String secret = db.path("credentialsSecret").asText();
            JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
            boolean bootstrapped = initdb.path("database").asText().equals(name) && initdb.path("owner").asText().equals(name)
                    && initdb.path("secret").path("name").asText().equals(secret);
            boolean managed = false;
            for (JsonNode role : cluster.path("spec").path("managed").path("roles")) {
                managed |= role.path("name").asText().equals(name) && role.path("login").asBoolean()
                        && role.path("passwordSecret").path("name").asText().equals(secret);
            }
            boolean database = ofKind(platform, "Database").stream().anyMatch(d -> d.path("spec").path("name").asText().equals(name)
                    && d.path("spec").path("owner").asText().equals(name));
            assertThat(bootstrapped || (managed && database)).as(service + ": database " + name + " owned by role " + name
                    + " whose password is Secret " + secret).isTrue();
        }
    }

    @Test
    void redisHasAPasswordFromASecretAndAppendOnlyPersistence() {
        JsonNode redis = ofKind(platform, "StatefulSet").stream().filter(s -> Chart.name(s).equals("aicredit-redis")).findFirst().orElseThrow();
        JsonNode container = redis.path("spec").path("template").path("spec").path("containers").get(0);
        String args = container.path("args").toString();
        assertThat(args).contains("\"--requirepass\",\"$(REDIS_PASSWORD)\"").contains("\"--appendonly\",\"yes\"");
        JsonNode ref = null;
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("REDIS_PASSWORD")) {
                ref = env.path("valueFrom").path("secretKeyRef");
            }
        }
        assertThat(ref).isNotNull();
        assertThat(ref.path("name").asText()).isEqualTo(values.path("redis").path("passwordSecret").path("name").asText());
        assertThat(ref.path("key").asText()).isEqualTo(values.path("redis").path("passwordSecret").path("key").asText());
        assertThat(container.path("image").asText()).matches("redis:7\\.[0-9]+\\.[0-9]+.*");
        assertThat(values.path("redis").path("url").asText()).isEqualTo("redis://aicredit-redis:6379");
        assertThat(redis.path("spec").path("volumeClaimTemplates")).isNotEmpty();
    }

    @Test
    void everyPlatformImageIsPinned() {
        for (JsonNode object : platform) {
            for (JsonNode image : object.findValues("image")) {
                assertThat(image.asText()).as(Chart.name(object)).contains(":").doesNotEndWith(":latest");
            }
        }
    }
}
