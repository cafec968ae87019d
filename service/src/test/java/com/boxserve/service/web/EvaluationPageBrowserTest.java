package com.boxserve.service.web;

import static com.boxserve.service.ServiceHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestImages;
import com.boxserve.service.TestModels;
import com.boxserve.service.evaluation.CocoSets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Evaluate tab in a real headless Chromium: a zip uploaded and a data-root folder picked, the
 * progress, the results table showing what the API answers, and the chart of AP against latency
 * with the fastest model on the frontier; a folder with a fault shows the API's detail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EvaluationPageBrowserTest {

    private static final String SECOND = "fasterrcnn_mobilenet_v3_large_fpn";
    private static final Path DATA_ROOT = folder("data-root");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("boxserve.models.directory", () -> TestModels.exported().toString());
        registry.add("boxserve.models.include", () -> TestModels.FAST + "," + SECOND);
        registry.add("boxserve.models.engine", () -> "pytorch");
        registry.add("boxserve.evaluation.directory", () -> folder("evaluations").toString());
        registry.add("boxserve.evaluation.data-root", DATA_ROOT::toString);
        ObjectNode street = CocoSets.instances(new String[] {"photo.png"}, "person", "car");
        street.withArray("annotations").add(CocoSets.annotation(1, 1, 1, 40, 30, 120, 180));
        write(DATA_ROOT.resolve("street"), street);
        write(DATA_ROOT.resolve("broken"), CocoSets.instances(new String[] {"photo.png", "lost.png"}, "person"));
    }

    @Test
    void evaluatesAnUploadAndAFolderAndChartsApAgainstLatency() throws Exception {
        TestModels.awaitReadiness("http://localhost:" + port);
        Path zip = Files.createTempFile("set", ".zip");
        ObjectNode truth = CocoSets.instances(new String[] {"photo.jpg", "gray.png"}, "person");
        truth.withArray("annotations").add(CocoSets.annotation(1, 1, 1, 10, 10, 200, 200));
        Files.write(zip, CocoSets.zip(truth, "photo.jpg", "gray.png"));
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(180));
            browser.get("http://localhost:" + port + "/");
            wait.until(d -> "true".equals(d.findElement(By.id("model")).getDomAttribute("data-loaded")));
            browser.findElement(By.id("tab-evaluate")).click();
            wait.until(d -> "true".equals(d.findElement(By.id("evaluation-models")).getDomAttribute("data-loaded")));
            assertEquals(List.of("(none)", "broken", "street"), new Select(browser.findElement(By.id("evaluation-folder")))
                    .getOptions().stream().map(WebElement::getText).toList());
            assertEquals(2, browser.findElements(By.cssSelector("#evaluation-models input:checked")).size());

            browser.findElement(By.id("evaluation-zip")).sendKeys(zip.toAbsolutePath().toString());
            start(browser, wait, "done");
            JsonNode job = latestJob();
            assertEquals(2, job.path("images").asInt());
            checkTableAndChart(browser, job);
            chromium.screenshot("evaluation-upload.png");

            browser.findElement(By.id("evaluation-zip")).clear();
            new Select(browser.findElement(By.id("evaluation-folder"))).selectByValue("street");
            start(browser, wait, "done");
            job = latestJob();
            assertEquals("street", job.path("directory").asText());
            checkTableAndChart(browser, job);

            new Select(browser.findElement(By.id("evaluation-folder"))).selectByValue("broken");
            start(browser, wait, "failed");
            assertTrue(browser.findElement(By.id("evaluation-error")).getText()
                    .contains("images[1] (id 2): the file 'lost.png' is not in the dataset"),
                    browser.findElement(By.id("evaluation-error")).getText());
        }
    }

    private static void start(WebDriver browser, WebDriverWait wait, String state) {
        browser.findElement(By.id("evaluation-start")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.attributeToBe(By.id("evaluation-result"), "data-state",
                "idle")));
        wait.until(d -> List.of("done", "failed").contains(d.findElement(By.id("evaluation-result"))
                .getDomAttribute("data-state")) && !isRunning(d));
        assertEquals(state, browser.findElement(By.id("evaluation-result")).getDomAttribute("data-state"));
    }

    private static boolean isRunning(WebDriver browser) {
        return "running".equals(browser.findElement(By.id("evaluation-result")).getDomAttribute("data-state"));
    }

    /** Each model's row shows the API's AP and latency; the fastest model is on the frontier. */
    private static void checkTableAndChart(WebDriver browser, JsonNode job) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#evaluation-table tbody tr"));
        assertEquals(2, rows.size());
        List<JsonNode> runs = new ArrayList<>();
        job.path("models").forEach(runs::add);
        for (int i = 0; i < runs.size(); i++) {
            JsonNode result = runs.get(i).path("result");
            List<String> cells = rows.get(i).findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
            assertEquals(runs.get(i).path("model").asText(), cells.get(0));
            double ap = result.path("figures").path("stats").path("AP").asDouble();
            assertEquals(ap < 0 ? "-" : String.format("%.3f", ap), cells.get(1));
            assertEquals(String.format("%.1f ms", result.path("latencyMs").path("p50").asDouble()), cells.get(8));
            assertEquals("RANDOM", cells.get(cells.size() - 1));
        }
        assertEquals(2, browser.findElements(By.cssSelector("#evaluation-chart circle")).size());
        String fastest = runs.stream().min(Comparator.comparingDouble(r -> r.path("result").path("latencyMs")
                .path("p50").asDouble())).orElseThrow().path("model").asText();
        assertEquals("frontier", browser.findElement(By.cssSelector("#evaluation-chart circle[data-model='" + fastest
                + "']")).getDomAttribute("class"), "the fastest model is the most accurate under its own latency");
    }

    private JsonNode latestJob() throws Exception {
        return json(new ServiceHttp(port).get("/v1/evaluations")).get(0);
    }

    private static void write(Path folder, ObjectNode instances) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("instances.json"), CocoSets.bytes(instances));
        Files.write(folder.resolve("photo.png"), TestImages.resource("photo.png"));
    }

    private static Path folder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
