package io.hotelcrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The image of each service: built from target/quarkus-app, on a pinned base, running as UID 185. */
class DockerfileTest {

    @ParameterizedTest
    @ValueSource(strings = {"credit-service", "ai-gateway-service", "billing-service", "alert-service"})
    void imageIsPinnedNonRootAndBuiltFromTheQuarkusApp(String service) throws Exception {
        Path dockerfile = Repo.root().resolve(service + "/src/main/docker/Dockerfile.jvm");
        List<String> lines = Files.readAllLines(dockerfile).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(1);
        assertThat(from.get(0)).matches("FROM [^\\s:]+/[^\\s:]+:[0-9][A-Za-z0-9_.-]*(@sha256:[a-f0-9]{64})?$");
        assertThat(lines).contains("USER 185");
        assertThat(lines.get(lines.size() - 1)).startsWith("ENTRYPOINT");
        assertThat(lines.stream().filter(l -> l.startsWith("COPY")).toList())
                .allMatch(l -> l.contains("target/quarkus-app/")).hasSize(4);
        int port = Chart.YAML.readTree(Repo.chart().resolve("values.yaml").toFile())
                .path("services").path(service).path("port").asInt();
        assertThat(lines).contains("EXPOSE " + port);
    }
}
