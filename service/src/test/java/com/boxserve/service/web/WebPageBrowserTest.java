package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The page at {@code /} in a real headless Chromium (Debian's, through its chromedriver): upload
 * an image, wait for the result, and check the boxes drawn and the JSON shown against what the
 * API returns for the same image. The screenshot is kept in {@code service/target/browser/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebPageBrowserTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        Path models = TestModels.exported();
        registry.add("boxserve.models.directory", models::toString);
        registry.add("boxserve.models.include", () -> TestModels.FAST);
    }

    @Test
    void uploadingAnImageShowsTheApisDetections() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver browser = chromium.driver();
            Path photo = Path.of("src/test/resources/images/photo.png").toAbsolutePath();
            JsonNode expected = api(photo);
            assertTrue(expected.path("detections").size() > 0, "the test model detects things on the photo");

            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            browser.get("http://localhost:" + port + "/");
            // the model list refreshes until the model is READY
            wait.until(d -> new Select(d.findElement(By.id("model"))).getOptions().stream()
                    .anyMatch(o -> o.getText().contains(TestModels.FAST) && o.getText().contains("READY")));
            assertTrue(browser.findElement(By.id("random-warning")).getText().contains("RANDOM"),
                    "random weights are flagged on the page");

            browser.findElement(By.id("image")).sendKeys(photo.toString());
            wait.until(ExpectedConditions.attributeToBe(By.id("json"), "data-ready", "true"));
            JsonNode shown = ServiceHttp.JSON.readTree(browser.findElement(By.id("json")).getText());
            // the page shows exactly what the API answered
            TestModels.assertSameDetections(expected.path("detections"), shown.path("detections"), 0, 0);
            WebElement canvas = browser.findElement(By.id("canvas"));
            assertEquals(String.valueOf(expected.path("detections").size()), canvas.getDomAttribute("data-boxes"));
            assertEquals("320", canvas.getDomAttribute("width"));
            chromium.screenshot("detect.png");

            browser.findElement(By.id("tab-training")).click();
            wait.until(d -> !new Select(d.findElement(By.id("example"))).getOptions().isEmpty());
            new Select(browser.findElement(By.id("example"))).selectByValue("linear-regression-manual");
            browser.findElement(By.id("run-example")).click();
            wait.until(d -> !d.findElements(By.cssSelector("#loss-curve svg polyline")).isEmpty());
            assertTrue(browser.findElement(By.id("training-json")).getText().contains("\"method\": \"manual\""));
            chromium.screenshot("training.png");
        }
    }

    private JsonNode api(Path image) throws Exception {
        HttpResponse<String> response = new ServiceHttp(port)
                .post("/v1/models/" + TestModels.FAST + "/detect", "image/png", Files.readAllBytes(image));
        if (response.statusCode() == 503) {
            Thread.sleep(1000);
            return api(image);
        }
        assertEquals(200, response.statusCode(), response.body());
        return ServiceHttp.json(response);
    }
}
