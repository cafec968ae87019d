package com.boxserve.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.openinference.GrpcProperties;
import com.boxserve.service.openinference.OpenInferenceController;
import com.boxserve.zoo.DetectorArchitecture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
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
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
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
     * The KServe runtime declares the protocol the service speaks and probes routes it serves, on the
     * port it listens on; each InferenceService names that runtime, one of its formats and protocols,
     * and (where it serves one model) a detector the zoo exports.
     */
    @Test
    void kserveManifestsMatchTheServicesProtocolRoutesAndModels() throws Exception {
        Map<String, Object> runtime = yaml(ROOT.resolve("deploy/kserve/serving-runtime.yaml")).get(0);
        assertEquals("ClusterServingRuntime", runtime.get("kind"));
        Map<String, Object> spec = map(runtime.get("spec"));
        List<?> protocols = (List<?>) spec.get("protocolVersions");
        assertEquals(List.of("v2", "grpc-v2"), protocols, "the protocols served: REST and gRPC");
        Map<String, Object> container = map(((List<?>) spec.get("containers")).get(0));
        assertEquals("kserve-container", container.get("name"));
        List<String> routes = new ArrayList<>();
        for (Method method : OpenInferenceController.class.getMethods()) {
            GetMapping get = method.getAnnotation(GetMapping.class);
            if (get != null) {
                routes.addAll(List.of(get.value()));
            }
        }
        int port = (int) map(yaml(ROOT.resolve("service/src/main/resources/application.yml")).get(0).get("server"))
                .get("port");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertTrue(routes.contains(path(container, probe)), probe + " " + path(container, probe) + " not in " + routes);
            assertEquals(port, map(map(container.get(probe)).get("httpGet")).get("port"), probe);
        }
        assertEquals("/v2/health/ready", path(container, "readinessProbe"));
        assertTrue(((List<?>) container.get("env")).contains(Map.of("name", "BOXSERVE_MODELS_DIRECTORY",
                "value", "/mnt/models")), "the models where KServe's storage initializer puts them");
        List<Object> formats = ((List<?>) spec.get("supportedModelFormats")).stream().map(f -> map(f).get("name"))
                .toList();
        int grpcPort = new Binder(new MapConfigurationPropertySource()).bindOrCreate("boxserve.grpc",
                GrpcProperties.class).port();
        for (String file : List.of("one-model-autoscaled.yaml", "all-seven.yaml", "one-model-grpc.yaml")) {
            Map<String, Object> predictor = map(map(yaml(ROOT.resolve("deploy/kserve/" + file)).get(0).get("spec"))
                    .get("predictor"));
            Map<String, Object> model = map(predictor.get("model"));
            assertEquals(map(runtime.get("metadata")).get("name"), model.get("runtime"), file);
            assertTrue(formats.contains(map(model.get("modelFormat")).get("name")), file);
            assertTrue(protocols.contains(model.get("protocolVersion")), file);
            assertEquals("concurrency", predictor.get("scaleMetric"), file);
            if ("grpc-v2".equals(model.get("protocolVersion"))) {
                Map<String, Object> h2c = map(((List<?>) model.get("ports")).get(0));
                assertEquals("h2c", h2c.get("name"), "Knative routes HTTP/2 only to a port named h2c");
                assertEquals(grpcPort, h2c.get("containerPort"), "the service's default gRPC port: " + file);
            }
            for (Object variable : model.get("env") == null ? List.of() : (List<?>) model.get("env")) {
                if ("BOXSERVE_MODELS_INCLUDE".equals(map(variable).get("name"))) {
                    assertTrue(DetectorArchitecture.modelNames().contains(map(variable).get("value")), file);
                }
            }
        }
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
