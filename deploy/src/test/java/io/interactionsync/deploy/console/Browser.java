package io.interactionsync.deploy.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (Debian's {@code chromium} and {@code chromedriver}, never a downloaded browser) for the console's
 * journeys: waits, screenshots into the test report, and axe-core's WCAG 2 A/AA checks.
 */
public final class Browser implements AutoCloseable {

    /** Overridable for other layouts: {@code -Dconsole.chromium=…}, {@code -Dconsole.chromedriver=…}. */
    static final String CHROMIUM = System.getProperty("console.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("console.chromedriver", "/usr/bin/chromedriver");
    static final List<String> WCAG_TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    private final ChromeDriver driver;
    private final Path screenshots;
    private final WebDriverWait wait;

    public Browser(Path screenshots) throws IOException {
        this.screenshots = Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1600");
        // An explicit driver executable: Selenium Manager never downloads a driver or a browser.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    public static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement await(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement await(By by, Duration timeout) {
        return new WebDriverWait(driver, timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    public void awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    public void awaitUrlStartsWith(String prefix) {
        wait.until(d -> d.getCurrentUrl().startsWith(prefix));
    }

    /** Until the element left the page (re-rendered, or removed). */
    public void awaitStale(WebElement element) {
        wait.until(ExpectedConditions.stalenessOf(element));
    }

    public void awaitGone(By by) {
        wait.until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    /** Keys as a person types them: to whatever has the focus, not to an element picked by the test. */
    public void press(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** The element that has the keyboard focus. */
    public WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Tabs forward until the focus is on an element matching {@code css}; fails with the path the focus took. */
    public WebElement tabTo(String css, int maxPresses) {
        return pressUntilFocused(Keys.TAB, css, maxPresses);
    }

    /**
     * Presses {@code key} (Tab, an arrow in a radio group…) until the focused element matches {@code css}, checking
     * before each press; fails naming where the focus went, so a control the keyboard cannot reach is found.
     */
    public WebElement pressUntilFocused(Keys key, String css, int maxPresses) {
        List<String> path = new ArrayList<>();
        for (int i = 0; ; i++) {
            String where = (String) driver.executeScript("const e = document.activeElement;"
                    + " if (e && e.matches(arguments[0])) return null;"
                    + " if (!e || e === document.body) return 'body';"
                    + " return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
                    + " + ' \"' + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '\"';",
                    css);
            if (where == null) {
                return focused();
            }
            path.add(where);
            if (i == maxPresses) {
                throw new AssertionError("the keyboard focus never reached " + css + " in " + maxPresses + " presses of "
                        + key.name() + "; it went: " + String.join(" -> ", path));
            }
            press(key);
        }
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    /** A screenshot of the page as it is, into the test report ({@code <name>.png}). */
    public Path screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = screenshots.resolve(name + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** axe-core on the current page (WCAG 2.0/2.1 A and AA): no violation, or the test fails naming each. */
    public void assertAccessible(String page) {
        Results results = new AxeBuilder().withTags(WCAG_TAGS).analyze(driver);
        List<Rule> violations = results.getViolations();
        assertThat(violations).as("axe-core violations on %s:%n%s", page, describe(violations)).isEmpty();
    }

    private static String describe(List<Rule> violations) {
        return violations.stream().map(v -> "- " + v.getId() + " (" + v.getImpact() + "): " + v.getHelp() + " at "
                + v.getNodes().stream().map(n -> String.valueOf(n.getTarget())).limit(3).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
