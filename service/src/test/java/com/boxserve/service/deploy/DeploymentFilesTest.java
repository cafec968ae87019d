package com.boxserve.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The compose file validates, the Kubernetes manifests parse and agree with the service, the dashboard queries real metrics. */
public class DeploymentFilesTest {

    private static final Path ROOT = ExternalTools.ROOT;

    @Test
    void composeFileValidatesOffline() throws Exception {
        Path compose = ExternalTools.require("docker-compose", "docker-compose");
        Process check = new ProcessBuilder(compose.toString(), "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config", "--quiet").redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
    }

    @Test
    void composeWiresTheServicePrometheusAndGrafana() throws Exception {
        Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml")).get(0);
        Map<String, Object> services = map(compose.get("services"));
        assertTrue(services.keySet().containsAll(List.of("boxserve", "prometheus", "grafana")), services.keySet().toString());
        Map<String, Object> prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml")).get(0);
        Map<String, Object> job = map(((List<?>) prometheus.get("scrape_configs")).get(0));
        assertEquals("/actuator/prometheus", job.get("metrics_path"));
        assertTrue(Files.isRegularFile(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
    }

    @Test
    void kubernetesManifestsParseAndProbeTheActuatorGroups() throws Exception {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var files = Files.list(ROOT.resolve("deploy/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                documents.addAll(yaml(file));
            }
        }
        Map<String, Object> deployment = kind(documents, "Deployment");
        Map<String, Object> container = map(((List<?>) map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        assertEquals("/actuator/health/liveness", path(container, "livenessProbe"));
        assertEquals("/actuator/health/readiness", path(container, "readinessProbe"));
        assertEquals("/actuator/health/liveness", path(container, "startupProbe"));
        Map<String, Object> startup = map(container.get("startupProbe"));
        int startupSeconds = (int) startup.get("periodSeconds") * (int) startup.get("failureThreshold");
        assertTrue(startupSeconds >= 180, "room for loading and warming seven models: " + startupSeconds + " s");
        Map<String, Object> resources = map(container.get("resources"));
        assertTrue(map(resources.get("requests")).containsKey("memory") && map(resources.get("limits")).containsKey("memory"));
        assertEquals(8080, map(((List<?>) container.get("ports")).get(0)).get("containerPort"));
        Map<String, Object> service = kind(documents, "Service");
        assertEquals("http", map(((List<?>) map(service.get("spec")).get("ports")).get(0)).get("targetPort"));
        Map<String, Object> hpa = kind(documents, "HorizontalPodAutoscaler");
        assertEquals("boxserve", map(map(hpa.get("spec")).get("scaleTargetRef")).get("name"));
    }

    /**
     * The dashboard has the panels an operator needs. That each metric it queries is one the
     * service exports is checked against a live scrape, in DetectionApiTest.
     */
    @Test
    void dashboardShowsLatencyQueuesModelsAndMemory() throws Exception {
        assertTrue(dashboardMetrics().containsAll(List.of("boxserve_detect_request_seconds_bucket", "boxserve_queue_depth",
                "boxserve_model_status", "boxserve_process_resident_memory_bytes", "jvm_memory_used_bytes")),
                dashboardMetrics().toString());
    }

    /** Every metric name the Grafana dashboard's queries use. */
    public static Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/dashboards/boxserve.json").toFile());
        Pattern metric = Pattern.compile("\\b(boxserve_[a-z_]+|jvm_[a-z_]+|http_server_[a-z_]+)");
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = metric.matcher(target.path("expr").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static List<Map<String, Object>> yaml(Path file) throws Exception {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/k8s"));
    }

    private static String path(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
