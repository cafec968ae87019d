package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.TestModels;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The Training tab's network builder in a real headless Chromium: a preset trained from the page
 * shows its module table, loss curve and held-out accuracy, and a network that does not fit its
 * input shows the API's problem detail. The screenshot is kept in {@code service/target/browser/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NetworkPageBrowserTest {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?(e[-+]?\\d+)?");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?) %");
    private static final String MISFIT = """
            {"dryRun": true, "inputShape": [1, 8, 8], "layers": [{"kind": "conv2d", "outChannels": 4, "kernelSize": 3},
             {"kind": "maxPool2d", "kernelSize": 2}, {"kind": "flatten"}, {"kind": "linear", "inFeatures": 64, "outFeatures": 2}]}""";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @Test
    void aPresetTrainedFromThePageShowsItsModulesCurveAndAccuracy() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            browser.get("http://localhost:" + port + "/");
            browser.findElement(By.id("tab-training")).click();
            wait.until(d -> !new Select(d.findElement(By.id("network-preset"))).getOptions().isEmpty());

            train(browser, wait, "linear-module");
            assertTrue(text(browser, "network-module").contains("Linear(in_features=1, out_features=1, bias=True)"),
                    text(browser, "network-module"));
            String table = text(browser, "network-table");
            assertTrue(table.contains("0.weight [1, 1]"), table);
            assertTrue(table.contains("0.bias [1]"), table);
            assertFalse(browser.findElements(By.cssSelector("#network-loss-chart svg polyline")).isEmpty());
            List<String> ticks = browser.findElements(By.cssSelector("#network-loss-chart svg text.tick")).stream()
                    .map(WebElement::getText).toList();
            assertTrue(ticks.size() >= 4 && ticks.stream().allMatch(t -> NUMBER.matcher(t).matches()), ticks.toString());
            assertTrue(ticks.contains("1") && ticks.contains("1000"), "the first and last epoch: " + ticks);
            List<String> labels = browser.findElements(By.cssSelector("#network-loss-chart svg text.axis-label")).stream()
                    .map(WebElement::getText).toList();
            assertTrue(labels.contains("epoch") && labels.stream().anyMatch(l -> l.startsWith("loss")), labels.toString());
            assertTrue(text(browser, "network-accuracy").contains("no accuracy"), text(browser, "network-accuracy"));
            assertTrue(text(browser, "network-preset-figure").contains("weight 2.000"));
            assertTrue(text(browser, "network-summary").contains("0.weight = [2.000], 0.bias = [1.000]"),
                    text(browser, "network-summary"));
            screenshotOfTheResult(chromium, "networks-linear-module.png");

            train(browser, wait, "cnn-bars");
            String headline = text(browser, "network-accuracy");
            Matcher accuracy = PERCENT.matcher(headline);
            assertTrue(headline.startsWith("Held-out accuracy") && accuracy.find(), headline);
            assertTrue(Double.parseDouble(accuracy.group(1)) >= 98, headline);
            assertFalse(browser.findElements(By.cssSelector("#network-accuracy-chart svg polyline")).isEmpty());
            screenshotOfTheResult(chromium, "networks-cnn-bars.png");

            WebElement network = browser.findElement(By.id("network-json"));
            network.clear();
            network.sendKeys(MISFIT);
            browser.findElement(By.id("network-dry-run")).click();
            wait.until(ExpectedConditions.attributeToBe(By.id("network-result"), "data-state", "failed"));
            assertTrue(text(browser, "network-error").contains("layer 3 (linear): expects 64 inputs, gets 36"),
                    text(browser, "network-error"));
            chromium.screenshot("networks-error.png");
        }
    }

    private static void train(WebDriver browser, WebDriverWait wait, String preset) {
        new Select(browser.findElement(By.id("network-preset"))).selectByValue(preset);
        assertEquals("{\"preset\":\"" + preset + "\"}", browser.findElement(By.id("network-json")).getDomProperty("value"));
        browser.findElement(By.id("network-train")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("network-result"), "data-state", "done"));
    }

    private static void screenshotOfTheResult(HeadlessChromium chromium, String name) throws IOException {
        // a screenshot holds the viewport only, and the result lies below the editor
        chromium.driver().executeScript("arguments[0].scrollIntoView()", chromium.driver().findElement(By.id("network-result")));
        chromium.screenshot(name);
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }
}
