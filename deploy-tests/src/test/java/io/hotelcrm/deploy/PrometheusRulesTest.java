package io.hotelcrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.hotelcrm.deploy.Chart.Values;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered PrometheusRule's groups, checked and unit-tested with promtool (Debian package "prometheus";
 * dev/lib.sh installs it). The unit tests are helm/aicredit/tests/rules-test.yaml.
 */
class PrometheusRulesTest {

    private static Path dir;
    private static JsonNode rule;

    @BeforeAll
    static void extractRules() throws Exception {
        List<JsonNode> rules = Chart.ofKind(Chart.render(Values.DEFAULT), "PrometheusRule");
        assertThat(rules).hasSize(1);
        rule = rules.get(0);
        dir = Files.createTempDirectory("aicredit-rules-");
        // A plain Prometheus rules file: what the operator hands to Prometheus.
        Chart.YAML.writeValue(dir.resolve("rules.yaml").toFile(), Map.of("groups", rule.path("spec").path("groups")));
        Files.copy(Repo.chart().resolve("tests/rules-test.yaml"), dir.resolve("rules-test.yaml"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (dir != null) {
            Chart.deleteTree(dir);
        }
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Result check = promtool("check", "rules", "rules.yaml");
        assertThat(check.exit).as(check.output).isZero();
        assertThat(check.output).contains("SUCCESS");
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        Result test = promtool("test", "rules", "rules-test.yaml");
        assertThat(test.exit).as(test.output).isZero();
        assertThat(test.output).contains("SUCCESS");
    }

    @Test
    void atLeastThreeAlertsAreUnitTestedAndNoTestNamesAMissingAlert() throws Exception {
        Set<String> alerts = alertNames();
        String tests = Files.readString(dir.resolve("rules-test.yaml"));
        Set<String> tested = new TreeSet<>();
        Matcher m = Pattern.compile("alertname:\\s*(\\w+)").matcher(tests);
        while (m.find()) {
            tested.add(m.group(1));
        }
        assertThat(alerts).containsAll(tested);
        assertThat(tested).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void everyAlertHasARunbookEntryAndAUsefulAnnotation() throws Exception {
        String operations = Files.readString(Repo.root().resolve("docs/operations.md"));
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if (!r.has("alert")) {
                    continue;
                }
                String alert = r.path("alert").asText();
                assertThat(operations).as("runbook heading for " + alert).containsPattern("(?m)^#{2,4} " + alert + "\\s*$");
                assertThat(r.path("annotations").path("runbook_url").asText()).endsWith("#" + alert.toLowerCase());
                assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
                assertThat(r.path("labels").path("severity").asText()).isIn("critical", "warning");
            }
        }
    }

    private static Set<String> alertNames() {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if (r.has("alert")) {
                    names.add(r.path("alert").asText());
                }
            }
        }
        return names;
    }

    private record Result(int exit, String output) {
    }

    private static Result promtool(String... args) throws Exception {
        String promtool = findPromtool();
        List<String> command = new ArrayList<>();
        command.add(promtool);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String findPromtool() {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(entry, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = "promtool is not installed: apt-get install prometheus (./dev/test installs it through dev/lib.sh)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
