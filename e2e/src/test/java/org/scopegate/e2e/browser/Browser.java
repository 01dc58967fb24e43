/*
 * ScopeGate: an OAuth 2.0 token service and scope gate for Apache Tomcat.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.scopegate.e2e.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium driven by chromedriver (Debian's, found on the PATH), both named explicitly so that
 * Selenium Manager never downloads anything; a fresh profile per browser, removed at close. Small helpers for the
 * pages' ids and classes, and screenshots into {@code screenshotDir}.
 */
public final class Browser implements AutoCloseable {

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    /**
     * @param chromium     the browser
     * @param chromedriver its driver
     * @param screenshots  where screenshots go
     * @throws IOException when the profile directory cannot be made
     */
    public Browser(Path chromium, Path chromedriver, Path screenshots) throws IOException {
        this.screenshots = screenshots;
        this.profile = Files.createTempDirectory("scopegate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--ignore-certificate-errors", "--user-data-dir=" + profile, "--window-size=1280,1000",
                "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** @return the driver */
    public WebDriver driver() {
        return driver;
    }

    /** Opens a URL. */
    public void open(String url) {
        driver.get(url);
    }

    /**
     * Waits up to 20 s for a condition to give a value other than null or false. The pages re-render their lists
     * after each change, so an element found just before may be replaced: that counts as "not yet".
     */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100))
                .withMessage(what)
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Waits for a visible element. */
    public WebElement visible(By by) {
        return await("visible: " + by, d -> {
            for (WebElement e : d.findElements(by)) {
                if (e.isDisplayed()) {
                    return e;
                }
            }
            return null;
        });
    }

    /** Waits for an element whose text contains a string. */
    public WebElement text(By by, String contains) {
        return await("text [" + contains + "] in " + by, d -> {
            for (WebElement e : d.findElements(by)) {
                if (e.getText().contains(contains)) {
                    return e;
                }
            }
            return null;
        });
    }

    /** Clears an input and types into it. */
    public void type(By by, String text) {
        WebElement input = visible(by);
        input.clear();
        input.sendKeys(text);
    }

    /** Clicks a visible element. */
    public void click(By by) {
        visible(by).click();
    }

    /** Scrolls a visible element into the window, for a screenshot. */
    public void scrollTo(By by) {
        new Actions(driver).scrollToElement(visible(by)).perform();
    }

    /** Sets the window size (a phone is 390 x 844). */
    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a PNG of the window as {@code <name>.png} in the screenshot directory. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(screenshots);
        Path file = screenshots.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        System.out.println("[browser] screenshot " + file);
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                System.err.println("[browser] could not remove " + profile + ": " + e);
            }
        }
    }
}
