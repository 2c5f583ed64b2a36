package io.hotelcrm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The aicredit chart, linted and rendered with the Helm library (no cluster, no helm binary). */
final class Chart {

    static final String RELEASE = "aicredit";
    static final String NAMESPACE = "aicredit";
    /** The oldest Kubernetes the chart supports (sleep-less preStop, autoscaling/v2, policy/v1, seccomp). */
    static final String KUBE_VERSION = "1.25.0";
    static final List<String> SERVICES = List.of("credit-service", "ai-gateway-service", "billing-service", "alert-service");
    /** Refuses duplicate keys, as the Kubernetes API's strict decoding does. */
    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Values files the chart is tested with: the defaults alone, and the defaults under the production file. */
    enum Values {
        DEFAULT(null), PRODUCTION("values-production.yaml");

        final String overlay;

        Values(String overlay) {
            this.overlay = overlay;
        }
    }

    private Chart() {
    }

    /** Renders the chart as {@code helm template aicredit helm/aicredit -n aicredit [-f overlay]} does. */
    static String renderText(Values values, Map<String, Object> sets) {
        TemplateCommand template = new Helm(Repo.chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (values.overlay != null) {
            template = template.withValuesFile(Repo.chart().resolve(values.overlay));
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return template.call();
    }

    /** The rendered objects, parsed (hooks left out, as helm-java's template leaves them out). */
    static List<JsonNode> render(Values values) {
        return parse(renderText(values, Map.of()));
    }

    /**
     * The rendered objects including the hooks: helm-java's template omits hook objects, so this renders a
     * copy of the chart whose {@code helm.sh/hook*} annotations are removed, and returns each former hook
     * with the annotations it had in the template source under {@code metadata.annotations}.
     */
    static List<JsonNode> renderWithHooks(Values values) throws IOException {
        Path copy = Files.createTempDirectory("aicredit-chart-").resolve("aicredit");
        copyTree(Repo.chart(), copy);
        Map<String, String> hookAnnotations = new java.util.TreeMap<>();
        try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
            for (Path template : (Iterable<Path>) templates::iterator) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(template)) {
                    if (line.trim().startsWith("helm.sh/hook")) {
                        String[] kv = line.trim().split(":\\s*", 2);
                        hookAnnotations.put(kv[0], kv[1].replace("\"", ""));
                    } else {
                        kept.add(line);
                    }
                }
                Files.write(template, kept);
            }
        }
        try {
            TemplateCommand template = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION);
            if (values.overlay != null) {
                template = template.withValuesFile(Repo.chart().resolve(values.overlay));
            }
            List<JsonNode> objects = parse(template.call());
            List<JsonNode> plain = render(values);
            for (JsonNode object : objects) {
                boolean wasHook = plain.stream().noneMatch(p -> p.path("kind").equals(object.path("kind"))
                        && p.path("metadata").path("name").equals(object.path("metadata").path("name")));
                if (wasHook) {
                    ObjectNode annotations = ((ObjectNode) object.path("metadata")).withObject("annotations");
                    hookAnnotations.forEach(annotations::put);
                }
            }
            return objects;
        } finally {
            deleteTree(copy.getParent());
        }
    }

    static List<JsonNode> parse(String manifests) {
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(manifests)) {
            Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /**
     * {@code helm lint --strict}. The Helm library lints a chart directory with its own values.yaml, so the
     * production case lints a copy whose values.yaml is the defaults merged with the production file as
     * Helm merges them (maps deep, everything else replaced).
     */
    static LintResult lint(Values values) throws IOException {
        if (values.overlay == null) {
            return new Helm(Repo.chart()).lint().strict().call();
        }
        Path copy = Files.createTempDirectory("aicredit-chart-").resolve("aicredit");
        copyTree(Repo.chart(), copy);
        JsonNode merged = merge(YAML.readTree(Repo.chart().resolve("values.yaml").toFile()),
                YAML.readTree(Repo.chart().resolve(values.overlay).toFile()));
        YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        try {
            return new Helm(copy).lint().strict().call();
        } finally {
            deleteTree(copy.getParent());
        }
    }

    static JsonNode merge(JsonNode base, JsonNode overlay) {
        if (!(base instanceof ObjectNode target) || overlay == null || !overlay.isObject()) {
            return overlay == null ? base : overlay;
        }
        ObjectNode result = target.deepCopy();
        overlay.fields().forEachRemaining(e -> result.set(e.getKey(),
                result.has(e.getKey()) ? merge(result.get(e.getKey()), e.getValue()) : e.getValue()));
        return result;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
