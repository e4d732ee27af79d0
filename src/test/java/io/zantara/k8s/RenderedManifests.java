package io.zantara.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.zantara.api.StrictJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An overlay as {@code kubectl kustomize} renders it, read into the typed fabric8 models. kubectl
 * is taken from {@code KUBECTL}, {@code k8s/tools/bin/kubectl} (what {@code k8s/tools/install.sh}
 * puts there) or the PATH; without one the tests are skipped, except under CI, where they fail.
 */
final class RenderedManifests {

    /** Strict: a string where a number belongs (or the reverse) fails instead of being converted. */
    static final ObjectMapper YAML = strict(new YAMLMapper());
    static final ObjectMapper JSON = strict(new JsonMapper());

    final String overlay;
    final List<JsonNode> documents;

    private RenderedManifests(String overlay, List<JsonNode> documents) {
        this.overlay = overlay;
        this.documents = documents;
    }

    static RenderedManifests of(String overlay) {
        String kubectl = kubectl().orElse(null);
        if (kubectl == null) {
            if (System.getenv("CI") != null) {
                fail("no kubectl under CI: run k8s/tools/install.sh first");
            }
            assumeTrue(false, "no kubectl here (run k8s/tools/install.sh)");
        }
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", "k8s/overlays/" + overlay).redirectErrorStream(false).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("kubectl kustomize k8s/overlays/" + overlay + " failed: " + err);
            }
            return new RenderedManifests(overlay, parse(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> parse(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode node = values.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }

    /** The one object of that kind (and name, if given). */
    JsonNode one(String kind, String name) {
        return documents.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && (name == null || name.equals(d.path("metadata").path("name").asText())))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + kind + " " + name + " in " + overlay);
                })
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + overlay));
    }

    /** Reads a document into its typed model; kinds without one come back as GenericKubernetesResource. */
    static HasMetadata typed(JsonNode document) throws IOException {
        return YAML.treeToValue(document, HasMetadata.class);
    }

    static boolean isUntyped(HasMetadata resource) {
        return resource instanceof GenericKubernetesResource;
    }

    private static Optional<String> kubectl() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("KUBECTL")).ifPresent(candidates::add);
        candidates.add("k8s/tools/bin/kubectl");
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            candidates.add(Path.of(dir, "kubectl").toString());
        }
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst();
    }

    /** The service's own strictness (a number is not a string, nor the reverse), for manifests. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        new StrictJson().customize(mapper);
        return mapper;
    }
}
