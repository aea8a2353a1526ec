package io.kabuto.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kabuto market halt|resume|status}: the operator's halt switch, through a node's admin
 * HTTP server ({@code /market/...}). The halt needs no storage node: it is confirmed when every
 * reachable matching node has it in force.
 */
@Command(
    name = "market",
    mixinStandardHelpOptions = true,
    versionProvider = KabutoCli.Version.class,
    description = {"Halts or resumes trading (market-wide or one symbol) and shows the market status."},
    subcommands = {MarketCommand.Halt.class, MarketCommand.Resume.class, MarketCommand.Status.class},
    footer = {"", "Examples:", "  kabuto market halt", "  kabuto market halt 7203 --reason 'news pending'",
        "  kabuto market resume 7203", "  kabuto market status --node 127.0.0.1:35521"})
public final class MarketCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--node", paramLabel = "HOST:ADMINPORT", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Admin address of any node (default: 127.0.0.1:35520, the admin port of a default node).")
  String node = "127.0.0.1:35520";

  @Override
  public Integer call() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
        "say what to do: halt [SYMBOL], resume [SYMBOL] or status");
  }

  int post(String path, long timeoutSeconds) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), timeoutSeconds, path);
  }

  URI uri(String pathAndQuery) {
    String base = node.startsWith("http") ? node : "http://" + node;
    return URI.create(base + pathAndQuery);
  }

  int send(HttpRequest.Builder req, long timeoutSeconds, String what) {
    long start = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(req.timeout(Duration.ofSeconds(timeoutSeconds + 5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      System.err.println("kabuto market: no answer from " + node + " (" + e + "); give the admin "
          + "address of a running node with --node HOST:ADMINPORT (its 'node up' line shows it)");
      return 1;
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (Exception e) {
      System.err.println("kabuto market: " + what + " answered " + r.statusCode() + ": " + r.body());
      return 1;
    }
    if (what.startsWith("/market/status")) {
      System.out.println(body.toPrettyString());
      return 0;
    }
    long ms = (System.nanoTime() - start) / 1_000_000L;
    if (what.startsWith("/market/halt")) {
      boolean ok = body.path("confirmed").asBoolean(false);
      System.out.printf("halt %s: %s in %d ms (generation %d), by nodes %s%s%n",
          body.path("scope").asText("?"), ok ? "CONFIRMED" : "NOT CONFIRMED",
          body.path("elapsedMillis").asLong(ms), body.path("generation").asLong(),
          body.path("nodes"), ok ? "" : "; missing " + body.path("missing") + ". " + body.path("next").asText(""));
      if (!ok && body.has("error")) System.err.println(body.path("error").asText());
      return ok ? 0 : 1;
    }
    boolean ok = body.path("ok").asBoolean(false);
    System.out.printf("resume: %s in %d ms (generation %d): %s %s%n", ok ? "done" : "FAILED", ms,
        body.path("generation").asLong(), body.path("message").asText(body.toString()), body.path("books"));
    return ok ? 0 : 1;
  }

  static String query(String symbol, String key2, String value2) {
    StringBuilder q = new StringBuilder();
    if (symbol != null) q.append("symbol=").append(URLEncoder.encode(symbol, StandardCharsets.UTF_8));
    if (value2 != null) {
      if (q.length() > 0) q.append('&');
      q.append(key2).append('=').append(URLEncoder.encode(value2, StandardCharsets.UTF_8));
    }
    return q.length() == 0 ? "" : "?" + q;
  }

  @Command(name = "halt", mixinStandardHelpOptions = true,
      description = "Halts the market (no SYMBOL) or one symbol; exit 1 unless confirmed in time.")
  static final class Halt implements Callable<Integer> {
    @ParentCommand MarketCommand parent;
    @Parameters(arity = "0..1", paramLabel = "SYMBOL") String symbol;
    @Option(names = "--reason", paramLabel = "TEXT") String reason;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wait this long for the confirmation (default 10).")
    long timeout = 10;

    @Override
    public Integer call() {
      String q = query(symbol, "reason", reason);
      q += (q.isEmpty() ? "?" : "&") + "timeout=" + timeout;
      return parent.post("/market/halt" + q, timeout);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resumes the market or one symbol by itayose (needs the storage quorum).")
  static final class Resume implements Callable<Integer> {
    @ParentCommand MarketCommand parent;
    @Parameters(arity = "0..1", paramLabel = "SYMBOL") String symbol;
    @Option(names = "--phase", paramLabel = "PHASE",
        description = "Phase to resume into (default: the schedule's, or the book's phase before the halt).")
    String phase;

    @Override
    public Integer call() {
      return parent.post("/market/resume" + query(symbol, "phase", phase), 30);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Prints halts, confirmation and schedule (JSON).")
  static final class Status implements Callable<Integer> {
    @ParentCommand MarketCommand parent;

    @Override
    public Integer call() {
      return parent.send(HttpRequest.newBuilder(parent.uri("/market/status")).GET(), 5, "/market/status");
    }
  }

  /** Registers {@code market}. */
  public static final class Provider implements KabutoSubcommand {
    @Override
    public String name() {
      return "market";
    }

    @Override
    public Object command() {
      return new MarketCommand();
    }
  }
}
