package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.Browser;
import dev.userbatch.support.TestData;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 17 item 4: the jobs console in headless Chromium, as an operator uses it: sign in with a
 * token, start a 20,000-user job from a file and watch it reach 100 %, read the failure table of a
 * file with bad lines (a hostile name shown as text), download the failures, cancel a job; at 1280
 * and 390 px, with screenshots under target/screenshots. Profile {@code browser} only.
 */
@EnabledIfSystemProperty(named = "browser.tests", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends ApiTest {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Path FILES = Path.of("target", "browser-files");
  private static final String XSS = "<img src=x onerror=alert(1)>";
  private static Browser browser;
  private static ChromeDriver driver;
  private static String failedJobId;

  @BeforeAll
  static void openBrowser() throws Exception {
    Files.createDirectories(FILES);
    browser = new Browser(Path.of("target", "browser-downloads").toAbsolutePath());
    driver = browser.driver;
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static WebElement id(String id) {
    return driver.findElement(By.id(id));
  }

  private static WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
    wait.pollingEvery(Duration.ofMillis(50));
    return wait;
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + service.port() + path;
  }

  @Test
  @Order(1)
  void signInWithATokenKeptInSessionStorageOnly() throws Exception {
    driver.get(url("/console"));
    assertThat(driver.getCurrentUrl()).endsWith("/console/");
    waitUpTo(10).until(d -> id("signin").isDisplayed());
    assertThat(id("signin").getText()).contains("DATA_DIR/dev-token").contains("sessionStorage");
    assertThat(id("jobs").isDisplayed()).isFalse();
    browser.screenshot(SHOTS.resolve("console-signin-1280.png"));

    id("token").sendKeys("not-a-token" + Keys.ENTER);
    waitUpTo(10).until(d -> id("notice").isDisplayed());
    assertThat(id("notice").getText()).contains("refused the token");
    assertThat(id("jobs").isDisplayed()).isFalse();

    String token = service.token("console-operator", Scopes.READ, Scopes.WRITE);
    id("token").sendKeys(token);
    id("token-form").findElement(By.tagName("button")).click();
    waitUpTo(10).until(d -> id("jobs").isDisplayed());
    assertThat(id("start").isDisplayed()).isTrue();
    assertThat(id("signin").isDisplayed()).isFalse();
    assertThat(driver.executeScript("return Object.values(sessionStorage)"))
        .asList()
        .containsExactly(token);
    assertThat(driver.executeScript("return localStorage.length")).isEqualTo(0L);
    assertThat(driver.executeScript("return document.cookie")).isEqualTo("");
    assertThat(driver.getCurrentUrl()).doesNotContain(token);
  }

  @Test
  @Order(2)
  void twentyThousandUserJobFromAFileShowsLiveProgressUpTo100Percent() throws Exception {
    String tag = "browser" + System.nanoTime();
    Path file = FILES.resolve("users-20000.ndjson").toAbsolutePath();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      body.append(
              new JsonObject()
                  .put("email", tag + "-" + i + "@console.example.com")
                  .put("name", "Console User " + i)
                  .put("passwordHash", TestData.BCRYPT)
                  .encode())
          .append('\n');
    }
    Files.writeString(file, body, StandardCharsets.UTF_8);
    id("file").sendKeys(file.toString());
    id("upload").click();
    waitUpTo(60).until(d -> id("job").isDisplayed() && !id("job-id").getText().isEmpty());
    String jobId = id("job-id").getText();

    // watch the bar move: every value it shows until the job is final
    TreeSet<Double> seen = new TreeSet<>();
    boolean shot = false;
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      double value = Double.parseDouble(id("job-bar").getDomProperty("value"));
      seen.add(value);
      if (!shot && value > 10 && value < 90) {
        browser.screenshot(SHOTS.resolve("console-running-1280.png"));
        assertThat(id("job-progress").getText()).contains("items/s").contains("ETA");
        shot = true;
      }
      if (id("job-status").getText().equals("completed")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(id("job-status").getText()).isEqualTo("completed");
    assertThat(seen.last()).isEqualTo(100.0);
    assertThat(seen.subSet(0.0, false, 100.0, false)).as("values between 0 and 100").isNotEmpty();
    assertThat(shot).as("a screenshot while running").isTrue();
    assertThat(id("job-progress").getText()).startsWith("100.0 % · 20,000 / 20,000 items");
    assertThat(id("job-counts").getText()).contains("succeeded\n20,000");
    assertThat(id("download").isDisplayed()).isFalse();
    assertThat(id("cancel").isDisplayed()).isFalse();
    long stored =
        sync(sql("SELECT count(*) AS n FROM users WHERE email LIKE $1", tag + "-%"))
            .iterator()
            .next()
            .getLong("n");
    assertThat(stored).isEqualTo(20_000);
    waitUpTo(10)
        .until(
            d ->
                id("jobs-table").getText().contains("20,000 / 20,000")
                    && !driver
                        .findElements(By.cssSelector("tr[data-id='" + jobId + "']"))
                        .isEmpty());
    browser.screenshot(SHOTS.resolve("console-completed-1280.png"));
  }

  @Test
  @Order(3)
  void failureTableShowsCodesFirstFailuresAndAHostileNameAsText() throws Exception {
    String tag = "browserbad" + System.nanoTime();
    List<String> lines = new ArrayList<>(List.of("email,name,passwordHash"));
    for (int i = 0; i < 50; i++) {
      lines.add(tag + "-" + i + "@console.example.com,Name " + i + "," + TestData.BCRYPT);
    }
    lines.set(5, "not-an-email," + XSS + "," + TestData.BCRYPT); // line 6
    lines.set(10, tag + "-8@console.example.com,Twice," + TestData.BCRYPT); // line 11: line 10's
    lines.set(20, tag + "-20@console.example.com,," + TestData.BCRYPT); // line 21: no name
    Path file = FILES.resolve("users-bad.csv").toAbsolutePath();
    Files.write(file, lines, StandardCharsets.UTF_8);
    id("file").sendKeys(file.toString());
    id("upload").click();
    waitUpTo(60).until(d -> id("failures").isDisplayed());
    failedJobId = id("job-id").getText();
    assertThat(id("job-status").getText()).isEqualTo("completed with errors");

    List<WebElement> rows = id("failures-table").findElements(By.cssSelector("tbody tr"));
    assertThat(rows).hasSize(3);
    List<String> lineNumbers =
        rows.stream().map(r -> r.findElement(By.tagName("td")).getText()).toList();
    assertThat(lineNumbers).containsExactlyInAnyOrder("6", "11", "21");
    String table = id("failures-table").getText();
    assertThat(table).contains(XSS).contains("VALIDATION_ERROR");
    assertThat(id("codes-table").getText()).contains("VALIDATION_ERROR");
    // shown as text: no element was made of it, and no script ran
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();
    assertThat(driver.executeScript("return document.querySelectorAll('[onerror]').length"))
        .isEqualTo(0L);
    try {
      driver.switchTo().alert();
      throw new AssertionError("an alert opened: the hostile name ran as script");
    } catch (NoAlertPresentException expected) {
      // as it should be
    }
    assertThat(table).doesNotContain(TestData.BCRYPT); // secrets are redacted by the service
    browser.screenshot(SHOTS.resolve("console-failures-1280.png"));
  }

  @Test
  @Order(4)
  void failuresDownloadAsTheFullNdjsonFile() throws Exception {
    assertThat(failedJobId).isNotNull();
    Path expected = browser.downloads.resolve("job-" + failedJobId + ".failures.ndjson");
    Files.deleteIfExists(expected);
    id("download").click();
    waitUpTo(20).until(d -> Files.isRegularFile(expected) && sizeOf(expected) > 0);
    List<JsonObject> failures =
        Files.readAllLines(expected).stream()
            .filter(l -> !l.isBlank())
            .map(JsonObject::new)
            .toList();
    assertThat(failures).extracting(f -> f.getInteger("line")).containsExactlyInAnyOrder(6, 11, 21);
    assertThat(failures)
        .anySatisfy(f -> assertThat(f.getJsonObject("item").getString("name")).isEqualTo(XSS));
  }

  @Test
  @Order(5)
  void narrowScreenKeepsEverythingReachableWithoutSideScrolling() throws Exception {
    browser.width(390, 844);
    Thread.sleep(300);
    Object wider =
        driver.executeScript(
            "const w = document.documentElement.clientWidth;"
                + "return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > w + 0.5 && e.offsetParent !== null)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 10);");
    assertThat(
            (Long) driver.executeScript("return document.documentElement.scrollWidth")
                - (Long) driver.executeScript("return document.documentElement.clientWidth"))
        .as("side scrolling at 390 px, wider elements: %s", wider)
        .isLessThanOrEqualTo(0L);
    assertThat(id("jobs").isDisplayed()).isTrue();
    browser.screenshot(SHOTS.resolve("console-failures-390.png"));
    driver.executeScript("window.scrollTo(0, 0)");
    browser.screenshot(SHOTS.resolve("console-top-390.png"));
    // keyboard: Tab from the header reaches the form, the job's actions and the jobs list
    driver.executeScript("document.getElementById('forget').focus()");
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      reached.add(driver.switchTo().activeElement().getAttribute("id"));
    }
    assertThat(reached)
        .containsSubsequence("file", "operation", "on-conflict", "dry-run", "upload")
        .contains("download", "refresh");
    browser.width(1280, 1100);
  }

  @Test
  @Order(6)
  void cancelAsksForConfirmationThenStopsTheJob() throws Exception {
    // plaintext passwords (Argon2id) make a job slow enough to cancel while it runs
    String tag = "browsercancel" + System.nanoTime();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      body.append(
              new JsonObject()
                  .put("email", tag + "-" + i + "@console.example.com")
                  .put("name", "Slow " + i)
                  .put("password", "correct horse battery " + i)
                  .encode())
          .append('\n');
    }
    Path file = FILES.resolve("users-slow.ndjson").toAbsolutePath();
    Files.writeString(file, body, StandardCharsets.UTF_8);
    id("file").sendKeys(file.toString());
    id("upload").click();
    waitUpTo(60).until(d -> id("cancel").isDisplayed());
    String jobId = id("job-id").getText();

    id("cancel").click();
    assertThat(id("confirm").isDisplayed()).isTrue();
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-no");
    id("confirm-no").click();
    assertThat(id("confirm").isDisplayed()).isFalse();
    assertThat(getJob(jobId).getString("status")).isIn("queued", "running");

    id("cancel").click();
    id("confirm-yes").click();
    waitUpTo(60).until(d -> id("job-status").getText().equals("cancelled"));
    assertThat(id("notice").getText()).contains("Cancel requested");
    JsonObject job = getJob(jobId);
    assertThat(job.getString("status")).isEqualTo("cancelled");
    assertThat(job.getJsonObject("counts").getLong("succeeded")).isLessThan(1_000);
    assertThat(job.getJsonObject("failuresByCode").getLong("NOT_PROCESSED")).isPositive();
    waitUpTo(20).until(d -> id("codes-table").getText().contains("NOT_PROCESSED"));
    assertThat(id("cancel").isDisplayed()).isFalse();
    browser.screenshot(SHOTS.resolve("console-cancelled-1280.png"));
  }

  private JsonObject getJob(String jobId) {
    return sync(get("/batch/users/jobs/" + jobId)).bodyAsJsonObject();
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
