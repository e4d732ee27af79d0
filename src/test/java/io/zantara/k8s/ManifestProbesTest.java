package io.zantara.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The probe paths, ports and the scrape path of the rendered manifests are what the running service
 * serves: each path is called on it, and the container port is the configured HTTP port.
 */
@QuarkusTest
class ManifestProbesTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesAndScrapeTarget_areServedByTheService(String overlay) throws IOException {
        RenderedManifests rendered = RenderedManifests.of(overlay);
        Deployment deployment = (Deployment) RenderedManifests.typed(rendered.one("Deployment", "zantara-backend"));
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        ContainerPort http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow();

        JsonNode config = rendered.one("ConfigMap", KubernetesManifestsTest.configMapName(container));
        String port = config.path("data").path("QUARKUS_HTTP_PORT").asText(KubernetesManifestsTest.applicationProperty("quarkus.http.port"));
        assertEquals(Integer.parseInt(port), http.getContainerPort(), "container port vs the service's HTTP port");

        for (HTTPGetAction probe : List.of(container.getStartupProbe().getHttpGet(), container.getReadinessProbe().getHttpGet(),
                container.getLivenessProbe().getHttpGet())) {
            assertEquals("http", probe.getPort().getStrVal(), "probes use the named port");
            given().when().get(probe.getPath()).then().statusCode(200).body("status", org.hamcrest.Matchers.is("UP"));
        }

        Service service = (Service) RenderedManifests.typed(rendered.one("Service", "zantara-backend"));
        ServiceMonitor monitor = (ServiceMonitor) RenderedManifests.typed(rendered.one("ServiceMonitor", "zantara-backend"));
        Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
        ServicePort servicePort = service.getSpec().getPorts().stream().filter(p -> p.getName().equals(endpoint.getPort()))
                .findFirst().orElseThrow(() -> new AssertionError("the ServiceMonitor's port is not a Service port"));
        assertEquals("http", servicePort.getTargetPort().getStrVal());
        given().accept("text/plain").when().get(endpoint.getPath()).then().statusCode(200)
                .body(containsString("zantara_cache_db_consistency_errors_total"));
    }
}
