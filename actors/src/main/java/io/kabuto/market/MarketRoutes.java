package io.kabuto.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kabuto.matching.Phase;
import io.kabuto.node.admin.AdminRoutes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Market supervision on a node's admin server (found by ServiceLoader):
 *
 * <ul>
 *   <li>{@code POST /market/halt[?symbol=S][&reason=TEXT][&timeout=SECONDS]}: halts the market
 *       or one symbol and waits for the confirmation; 200 confirmed, 503 not (yet) confirmed;
 *   <li>{@code POST /market/resume[?symbol=S][&phase=P]}: resumes by itayose (needs storage);
 *   <li>{@code GET /market/status}: halts in force, generation, confirmation per node, schedule.
 * </ul>
 */
public final class MarketRoutes extends AllDirectives implements AdminRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Route routes(ActorSystem<?> system) {
    MarketSettings ms = MarketSettings.fromConfig(system.settings().config());
    return pathPrefix("market", () -> concat(
        path("halt", () -> post(() -> parameterOptional("symbol", sym -> parameterOptional("reason",
            reason -> parameterOptional("timeout", to -> halt(system, ms, sym, reason, to)))))),
        path("resume", () -> post(() -> parameterOptional("symbol", sym -> parameterOptional("phase",
            ph -> resume(system, sym, ph))))),
        path("status", () -> get(() -> onSuccess(status(system), m -> json(StatusCodes.OK, m))))));
  }

  private Route halt(ActorSystem<?> system, MarketSettings ms, Optional<String> symbol,
      Optional<String> reason, Optional<String> timeout) {
    Duration to;
    try {
      to = timeout.map(t -> Duration.ofMillis((long) (Double.parseDouble(t) * 1000))).orElse(ms.confirmTimeout());
    } catch (NumberFormatException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", "timeout must be a number of seconds"));
    }
    String sym = symbol.filter(s -> !s.isBlank()).orElse(null);
    return onSuccess(MarketOps.halt(system, sym, reason.orElse("operator halt"), "operator", to), c -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("scope", sym == null ? "market" : sym);
      body.putAll(MarketOps.describe(c));
      if (!c.confirmed()) {
        body.put("next", "the flag is set and keeps spreading; nodes in 'missing' have not reported: "
            + "check them with GET /health, retry the halt, or down a dead node");
      }
      return json(c.confirmed() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
    });
  }

  private Route resume(ActorSystem<?> system, Optional<String> symbol, Optional<String> phase) {
    Phase p = null;
    if (phase.isPresent()) {
      try {
        p = Phase.valueOf(phase.get().trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return json(StatusCodes.BAD_REQUEST, Map.of("error", "phase must be one of PRE_OPEN, "
            + "CONTINUOUS, PRE_CLOSE, BREAK, CLOSED"));
      }
    }
    String sym = symbol.filter(s -> !s.isBlank()).orElse(null);
    Phase target = p;
    CompletionStage<MarketSupervisor.Resumed> r = AskPattern.ask(MarketSupervisor.init(system),
        rr -> new MarketSupervisor.Resume(sym, target, "operator", rr), Duration.ofSeconds(30), system.scheduler());
    return onSuccess(r.handle((res, e) -> res != null ? res : new MarketSupervisor.Resumed(false, -1,
            "the market supervisor did not answer (" + e + "); the halt stays in force; check that a "
            + "matching node is up (GET /health) and retry", Map.of())),
        res -> json(res.ok() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, res));
  }

  /** GET /market/status body. */
  public static CompletionStage<Map<String, Object>> status(ActorSystem<?> system) {
    CompletionStage<Object> schedule = AskPattern.<MarketSupervisor.Command, MarketSupervisor.ScheduleStatus>ask(
            MarketSupervisor.init(system), MarketSupervisor.GetSchedule::new, Duration.ofSeconds(2),
            system.scheduler())
        .handle((s, e) -> s != null ? s : Map.of("error", "market supervisor not reachable: " + e));
    return MarketOps.readHalts(system).thenCompose(t ->
        MarketOps.confirmation(system, t.generation(), System.nanoTime()).thenCombine(schedule, (c, s) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("inForce", t.inForce().stream().map(x -> MarketHalts.MARKET.equals(x) ? "market" : x).toList());
          m.put("generation", t.generation());
          m.put("confirmed", c.confirmed());
          m.put("nodes", c.nodes());
          m.put("missing", c.missing());
          m.put("applied", MarketOps.describe(c).get("applied"));
          m.put("halts", MarketOps.describe(t));
          m.put("schedule", s);
          return m;
        }));
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON,
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body)));
    } catch (Exception e) {
      return complete(StatusCodes.INTERNAL_SERVER_ERROR, String.valueOf(e));
    }
  }
}
