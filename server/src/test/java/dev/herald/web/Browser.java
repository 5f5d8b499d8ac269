package dev.herald.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver. Both paths are fixed so
 * Selenium Manager never looks for (or downloads) a browser; when Chromium cannot start the test
 * fails with the reason, it is never skipped. Each browser gets a fresh profile directory.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Selenium warns on every start that it has no CDP bindings for this Chromium; they are not used. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM_LOG.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A desktop: 1280×900 with a mouse (headless Chromium would otherwise report no hover-capable pointer). */
    static Browser start() {
        return start(ENGLISH);
    }

    /** A desktop whose browser languages are {@code languages} (e.g. "zh-CN,zh"): navigator.languages and Accept-Language. */
    static Browser start(String languages) {
        return start(1280, 900, languages, options -> options.addArguments(
                "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4"));
    }

    /** The browser languages of the tests that read English text. */
    static final String ENGLISH = "en-US,en";

    /** A phone: 390×844 CSS pixels, touch, device pixel ratio 3. */
    static Browser startPhone() {
        return startPhone(ENGLISH);
    }

    /** A phone whose browser languages are {@code languages}. */
    static Browser startPhone(String languages) {
        return start(390, 844, languages, options -> options.setExperimentalOption("mobileEmulation",
                Map.of("deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 3.0, "touch", true))));
    }

    private static Browser start(int width, int height, String languages, Consumer<ChromeOptions> extra) {
        requireExecutable(CHROMIUM, "chromium");
        requireExecutable(CHROMEDRIVER, "chromium-driver");
        Path profile;
        try {
            profile = Files.createTempDirectory("herald-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--lang=" + languages.split(",")[0]);
        // headless Chromium takes navigator.languages and Accept-Language from this preference
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", languages));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        extra.accept(options);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (WebDriverException e) {
            deleteTree(profile);
            throw new AssertionError("Chromium could not start (" + CHROMIUM + " via " + CHROMEDRIVER + "): " + e.getMessage(), e);
        }
    }

    private static void requireExecutable(Path path, String debianPackage) {
        if (!Files.isExecutable(path)) {
            throw new AssertionError(path + " is missing: the browser tests need Debian's " + debianPackage
                    + " (apt-get install -y chromium chromium-driver; bin/test installs them)");
        }
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    /** Opens a new tab, switches to it and returns its handle. */
    String newTab() {
        driver.switchTo().newWindow(WindowType.TAB);
        return driver.getWindowHandle();
    }

    String currentTab() {
        return driver.getWindowHandle();
    }

    void switchTo(String tab) {
        driver.switchTo().window(tab);
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /** Waits until {@code condition} holds; the failure names what was expected and what was seen. */
    <T> void await(String what, Supplier<T> seen, Predicate<T> condition) {
        await(what, seen, condition, WAIT);
    }

    <T> void await(String what, Supplier<T> seen, Predicate<T> condition, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                    .ignoring(WebDriverException.class)
                    .until(d -> condition.test(seen.get()));
        } catch (TimeoutException e) {
            T last;
            try {
                last = seen.get();
            } catch (RuntimeException ex) {
                last = null;
            }
            throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + "; last seen: " + last
                    + "\nbrowser console:\n" + String.join("\n", console()), e);
        }
    }

    /**
     * Does something to the page, again if the page re-rendered the element in between (lists
     * re-render when the server pushes a change).
     */
    void act(Runnable action) {
        read(() -> {
            action.run();
            return null;
        });
    }

    /** Reads something from the page, again if the page re-rendered the element in between. */
    <T> T read(Supplier<T> reading) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return reading.get();
            } catch (StaleElementReferenceException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Console messages of the current page so far (drained on read). */
    List<String> console() {
        try {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
        } catch (WebDriverException e) {
            return List.of("(console unavailable: " + e.getMessage() + ")");
        }
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
