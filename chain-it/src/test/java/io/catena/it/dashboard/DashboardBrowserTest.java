package io.catena.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.catena.it.CatenaCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The master's dashboard (docs/master.md, "Dashboard") in headless Chromium, against a real cluster: the page
 * follows a failover live, through its {@code /events} stream alone (it is never reloaded). It reads what the
 * page drew: the {@code data-*} attributes the page keeps on {@code <body>}, the node boxes of the chain in their
 * order, the rows of the reconfiguration log. The last state of the page is saved to
 * {@code chain-it/target/dashboard.png}.
 *
 * <p>Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them); without them the
 * test is skipped, except in CI ({@code CI=true}), where it fails. Both are given by path, so Selenium Manager, which would download a browser or a driver, never
 * runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The master removes a killed node after its lease (2 s) and margin; the rest is slack for a busy machine. */
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final CatenaCluster cluster = CatenaCluster.withNodes(3);

    private ChromeDriver browser;

    @Test
    @DisplayName("the dashboard shows the chain n1 -> n2 -> n3 in epoch 1, and after kill -9 of n2 it shows, without"
            + " a reload, the chain n1 -> n3 in a new epoch, n2 outside and not reporting, and the reconfiguration"
            + " in its log")
    void theDashboardFollowsAFailoverLive() {
        boolean browserInstalled = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String needs = "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + ")";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(browserInstalled).as(needs + ": .ci/run installs them, so in CI this test must run").isTrue();
        }
        assumeTrue(browserInstalled, needs);
        cluster.start();
        browser = startBrowser();

        browser.get("http://" + cluster.masterHttp() + "/");

        awaitPage("the page shows epoch 1 with the chain n1,n2,n3")
                .until(() -> body("data-epoch").equals("1") && body("data-chain").equals("n1,n2,n3"));
        assertThat(body("data-connected")).isEqualTo("true");
        assertThat(chainBoxes("data-node-id")).containsExactly("n1", "n2", "n3");
        assertThat(chainBoxes("data-role")).containsExactly("head", "middle", "tail");
        assertThat(text("#line .node[data-node-id='n1']")).contains("appliedSeq", "committedSeq", "lag", "lease");
        assertThat(logRow(1, "data-chain")).isEqualTo("n1,n2,n3");

        cluster.kill("n2");

        awaitPage("the page shows the chain n1,n3").until(() -> body("data-chain").equals("n1,n3"));
        long epoch = Long.parseLong(body("data-epoch"));
        assertThat(epoch).as("epoch after the kill of n2").isGreaterThan(1);
        assertThat(chainBoxes("data-node-id")).containsExactly("n1", "n3");
        assertThat(chainBoxes("data-role")).containsExactly("head", "tail");
        assertThat(logRow(epoch, "data-chain")).isEqualTo("n1,n3");
        assertThat(logRow(epoch, "text")).contains("removed [n2]");
        awaitPage("the page shows n2 outside the chain, not reporting").until(() -> !browser.findElements(
                By.cssSelector("#others .node[data-node-id='n2'][data-alive='false']")).isEmpty());
    }

    /** The last state of the page, also when the test failed: what the dashboard showed. */
    @AfterEach
    void saveScreenshotAndCloseBrowser() throws IOException {
        if (browser == null) {
            return;
        }
        try {
            Path screenshot = Path.of(System.getProperty("basedir", "."), "target", "dashboard.png");
            Files.createDirectories(screenshot.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("DashboardBrowserTest: screenshot of the dashboard in " + screenshot.toAbsolutePath());
        } finally {
            browser.quit();
        }
    }

    // ------------------------------------------------------------ the browser

    private static ChromeDriver startBrowser() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        // Selenium passes SE_* properties to Selenium Manager as its environment: were it ever started, offline
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900",
                // nothing but the master: no component updates, sync or other background requests
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private ConditionFactory awaitPage(String what) {
        return await(what).atMost(PAGE_TIMEOUT).pollInterval(Duration.ofMillis(100));
    }

    /** An attribute the page keeps on {@code <body>} ({@code data-epoch}, {@code data-chain}, ...). */
    private String body(String attribute) {
        String value = browser.findElement(By.tagName("body")).getAttribute(attribute);
        return value == null ? "" : value;
    }

    // The page redraws on every event (at least once a second), so element references go stale between two
    // WebDriver calls: each read below is one script that reads the whole answer from the DOM at once.

    /** One attribute of each node box of the chain, head first (learners excluded). */
    @SuppressWarnings("unchecked")
    private List<String> chainBoxes(String attribute) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document"
                + ".querySelectorAll('#line .node:not(.learner)')).map(e => e.getAttribute(arguments[0]));", attribute);
    }

    private String text(String selector) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", selector);
    }

    /** An attribute ({@code text}: the row's text) of the one reconfiguration-log row of {@code epoch}. */
    @SuppressWarnings("unchecked")
    private String logRow(long epoch, String attribute) {
        List<String> rows = (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document"
                + ".querySelectorAll(\"#log tr.reconfiguration[data-epoch='\" + arguments[0] + \"']\")).map(r => "
                + "arguments[1] === 'text' ? r.innerText : r.getAttribute(arguments[1]));", Long.toString(epoch),
                attribute);
        assertThat(rows).as("rows of epoch %d in the reconfiguration log", epoch).hasSize(1);
        return rows.get(0);
    }
}
