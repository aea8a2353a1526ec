package io.kabuto.scenario.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kabuto.scenario.check.CheckResult;
import io.kabuto.scenario.check.Checker;
import io.kabuto.scenario.model.Scenario;
import io.kabuto.scenario.model.ScenarioLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser shows it: a report.html from a made-up history is loaded by headless
 * Chromium with every host name unresolvable and no proxy reachable, so a page that needed the
 * network would show it; the DOM Chromium built must hold the verdict table, the charts and the
 * cited lines, and a screenshot is kept (KABUTO_REPORT_SHOT=path to keep it elsewhere). Skipped,
 * with a message, where Chromium is not installed (apt-get install chromium).
 */
class ReportInChromiumTest {

  static String chromium() {
    for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, c))) {
          return Path.of(dir, c).toString();
        }
      }
    }
    return null;
  }

  static String run(Path tmp, String chromium, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync",
        "--disable-component-update", "--user-data-dir=" + tmp.resolve("profile"),
        // no network: every name fails to resolve and any proxy use fails
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.err").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(tmp.resolve("chromium.err")));
    return out;
  }

  @Test
  @Timeout(300)
  void theReportLoadsOfflineAndShowsVerdictsAndCharts(@TempDir Path tmp) throws Exception {
    String chromium = chromium();
    assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium): the report's browser "
        + "check is skipped");
    Scenario s = ScenarioLoader.load(Path.of("library/crash-matching-node.conf"), Path.of("..").toAbsolutePath().normalize());
    List<JsonNode> lines = SyntheticRun.lines();
    CheckResult r = Checker.check(lines, s.expectations());
    Path report = tmp.resolve("report.html");
    HtmlReport.write(report, s, r, lines);
    String html = Files.readString(report);
    assertFalse(Pattern.compile("(?i)(src|href)\\s*=\\s*['\"]?(https?:|//)").matcher(html).find(),
        "nothing is fetched from elsewhere");

    String dom = run(tmp, chromium, "--dump-dom", report.toUri().toString());
    assertTrue(dom.contains("<h1>Scenario crash-matching-node</h1>"), "the page loaded: " + clip(dom));
    assertTrue(dom.contains("FAIL: see the verdicts"), "the banner says the run failed");
    Matcher rows = Pattern.compile("<tr><td>([a-z-]+)</td><td class=\"(PASS|FAIL|NOT_CHECKED)\">").matcher(dom);
    List<String> checks = new ArrayList<>();
    while (rows.find()) {
      checks.add(rows.group(1) + "=" + rows.group(2));
    }
    assertTrue(checks.contains("no-lost-ack=FAIL") && checks.contains("no-overfill=PASS")
        && checks.contains("reference-model=NOT_CHECKED"), "the verdict table: " + checks);
    assertEquals(r.verdicts().size(), checks.size(), "one row per verdict: " + checks);
    int svgs = dom.split("<svg", -1).length - 1;
    assertTrue(svgs >= 4, "timeline, latency, symbols and nodes charts: " + svgs);
    assertTrue(dom.contains("<polyline") && dom.contains("<title>10:00 kill host-of:7203</title>"),
        "series lines and the fault band");
    Matcher link = Pattern.compile("href=\"#h-(\\d+)\"").matcher(dom);
    assertTrue(link.find() && dom.contains("id=\"h-" + link.group(1) + "\""), "verdict links reach a cited line");

    Path shot = System.getenv("KABUTO_REPORT_SHOT") != null ? Path.of(System.getenv("KABUTO_REPORT_SHOT"))
        : tmp.resolve("report.png");
    run(tmp, chromium, "--screenshot=" + shot.toAbsolutePath(), "--window-size=1100,2200", "--hide-scrollbars",
        report.toUri().toString());
    byte[] png = Files.readAllBytes(shot);
    assertTrue(png.length > 20_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
        "a screenshot with something on it: " + png.length + " bytes");
  }

  private static String clip(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }
}
