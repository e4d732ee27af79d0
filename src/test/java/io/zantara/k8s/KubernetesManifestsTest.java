package io.zantara.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both overlays render, every object matches its typed model, and they carry what operators rely on. */
class KubernetesManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyRenderedObject_matchesItsSchema(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new TreeSet<>();
        for (JsonNode document : rendered.documents) {
            String id = document.path("kind").asText() + "/" + document.path("metadata").path("name").asText();
            kinds.add(document.path("kind").asText());
            HasMetadata typed;
            try {
                typed = RenderedManifests.typed(document);
            } catch (IOException wrongType) {
                problems.add(id + ": " + wrongType.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            if (RenderedManifests.isUntyped(typed)) {
                problems.add(id + ": no typed model for " + document.path("apiVersion").asText());
                continue;
            }
            StrictModelCheck.unknownFields(typed).forEach(field -> problems.add(id + ": unknown field " + field));
        }
        assertEquals(List.of(), problems);
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ServiceMonitor", "PrometheusRule", "ConfigMap", "NetworkPolicy", "ServiceAccount")), kinds.toString());
    }

    @Test
    void theCheck_catchesUnknownFieldsAndWrongTypes() throws IOException {
        JsonNode misspelt = RenderedManifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    spec:
                      containers:
                        - name: c
                          image: i
                          readinesProbe: {httpGet: {path: /health/ready, port: http}}
                """).get(0);
        assertEquals(List.of(".spec.template.spec.containers[0].readinesProbe"),
                StrictModelCheck.unknownFields(RenderedManifests.typed(misspelt)));

        JsonNode wrongType = RenderedManifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec: {replicas: two}
                """).get(0);
        assertThrows(IOException.class, () -> RenderedManifests.typed(wrongType));
        JsonNode numberForString = RenderedManifests.parse("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: 7}
                """).get(0);
        assertThrows(IOException.class, () -> RenderedManifests.typed(numberForString));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePrometheusRule_isAlertsYml(String overlay) throws IOException {
        JsonNode rule = RenderedManifests.of(overlay).one("PrometheusRule", "zantara-backend");
        JsonNode alerts = RenderedManifests.YAML.readTree(Path.of("config/prometheus/alerts.yml").toFile());
        assertEquals(alerts.get("groups"), rule.path("spec").get("groups"));
        assertEquals("kube-prometheus-stack", rule.path("metadata").path("labels").path("release").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theDashboardConfigMap_isTheDashboard_forTheGrafanaSidecar(String overlay) throws IOException {
        JsonNode map = RenderedManifests.of(overlay).one("ConfigMap", "zantara-grafana-dashboard");
        assertEquals("1", map.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(Files.readString(Path.of("config/grafana/dashboards/lock-contention-dashboard.json")),
                map.path("data").path("lock-contention-dashboard.json").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theDeployment_isHardened_probed_spreadAndDrainsItsLeases(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Deployment deployment = (Deployment) RenderedManifests.typed(rendered.one("Deployment", "zantara-backend"));
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertTrue(deployment.getSpec().getReplicas() >= 2);
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertNotNull(container.getStartupProbe());
        assertNotNull(container.getReadinessProbe());
        assertNotNull(container.getLivenessProbe());
        for (String resource : List.of("cpu", "memory")) {
            assertNotNull(container.getResources().getRequests().get(resource), resource + " request");
            assertNotNull(container.getResources().getLimits().get(resource), resource + " limit");
        }
        assertEquals(Set.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"), pod.getTopologySpreadConstraints().stream()
                .map(c -> c.getTopologyKey()).collect(Collectors.toSet()));

        // The grace period covers preStop plus the service's own drain (quarkus.shutdown.timeout).
        long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        long drain = Duration.parse("PT" + applicationProperty("quarkus.shutdown.timeout").toUpperCase()).toSeconds();
        assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + drain,
                "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " <= " + (preStop + drain));

        // Credentials only by reference: no literal value for anything secret.
        for (EnvVar env : container.getEnv()) {
            if (env.getName().matches(".*(PASSWORD|SECRET|TOKEN|USERNAME).*")) {
                assertTrue(env.getValue() == null && env.getValueFrom().getSecretKeyRef() != null, env.getName());
            }
        }
        JsonNode config = rendered.one("ConfigMap", configMapName(container));
        config.path("data").fieldNames().forEachRemaining(key ->
                assertFalse(key.matches(".*(PASSWORD|SECRET|TOKEN).*"), "secret-looking key in the ConfigMap: " + key));
        assertEquals("redis", config.path("data").path("ZANTARA_LOCK_BACKEND").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscaling_disruption_scraping_andNetworkPolicy(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        HorizontalPodAutoscaler hpa = (HorizontalPodAutoscaler) RenderedManifests.typed(rendered.one("HorizontalPodAutoscaler", null));
        assertEquals("autoscaling/v2", hpa.getApiVersion());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2);
        assertEquals("cpu", hpa.getSpec().getMetrics().get(0).getResource().getName());
        assertNotNull(hpa.getSpec().getBehavior().getScaleUp());
        assertNotNull(hpa.getSpec().getBehavior().getScaleDown());

        PodDisruptionBudget pdb = (PodDisruptionBudget) RenderedManifests.typed(rendered.one("PodDisruptionBudget", null));
        assertEquals("zantara-backend", pdb.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"));

        ServiceMonitor monitor = (ServiceMonitor) RenderedManifests.typed(rendered.one("ServiceMonitor", null));
        assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
        assertNotNull(monitor.getSpec().getEndpoints().get(0).getInterval());

        NetworkPolicy policy = (NetworkPolicy) RenderedManifests.typed(rendered.one("NetworkPolicy", null));
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        Set<String> egressPorts = policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                .map(NetworkPolicyPort::getPort).map(port -> port.getValue().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("5432", "6379", "53"), egressPorts);
    }

    static String configMapName(Container container) {
        return container.getEnvFrom().get(0).getConfigMapRef().getName();
    }

    /** A key of src/main/resources/application.properties as the production profile sees it. */
    static String applicationProperty(String key) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String value = properties.getProperty(key);
        assertNotNull(value, key + " is not in application.properties");
        return value;
    }
}
