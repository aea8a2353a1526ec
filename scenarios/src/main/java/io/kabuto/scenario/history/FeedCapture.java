package io.kabuto.scenario.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One symbol's market-data feed as a gateway served it after the run ({@code GET
 * /market-data/{symbol}?from=N&limit=1000}, paged until the last sequence), or why it could not be
 * fetched.
 *
 * @param gateway the gateway that served it
 * @param firstRetained the oldest sequence the book still keeps (1 unless it dropped old ones)
 * @param lastSeq the newest sequence when the last page was served
 * @param messages the messages in the order served (JSON as the gateway wrote it)
 * @param error null, or why the feed is missing or incomplete
 */
public record FeedCapture(String symbol, String gateway, long firstRetained, long lastSeq, List<JsonNode> messages,
    String error) {

  public static final int PAGE = 1000;

  /** Every symbol's feed from the first gateway that serves it (any participant's token). */
  public static Map<String, FeedCapture> fetch(List<URI> gateways, String token, Collection<String> symbols) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, FeedCapture> out = new LinkedHashMap<>();
    for (String sym : symbols) {
      FeedCapture best = null;
      for (URI gw : gateways) {
        best = fetchOne(http, gw, token, sym);
        if (best.error() == null) {
          break;
        }
      }
      out.put(sym, best != null ? best
          : new FeedCapture(sym, "", 0, 0, List.of(), "no gateway in the topology"));
    }
    return out;
  }

  private static FeedCapture fetchOne(HttpClient http, URI gw, String token, String sym) {
    List<JsonNode> msgs = new ArrayList<>();
    long from = 1;
    long first = 0;
    long last = 0;
    String enc = URLEncoder.encode(sym, StandardCharsets.UTF_8);
    for (int pages = 0; pages < 100_000; pages++) {
      JsonNode page;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(gw.resolve("/market-data/" + enc + "?from=" + from
            + "&limit=" + PAGE)).timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          return new FeedCapture(sym, gw.toString(), first, last, msgs, "GET /market-data/" + sym + "?from=" + from
              + " on " + gw + ": HTTP " + r.statusCode() + " " + r.body().strip());
        }
        page = History.JSON.readTree(r.body());
      } catch (java.io.IOException e) {
        return new FeedCapture(sym, gw.toString(), first, last, msgs, "GET /market-data/" + sym + " on " + gw
            + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new FeedCapture(sym, gw.toString(), first, last, msgs, "interrupted");
      }
      if (pages == 0) {
        first = page.path("firstRetained").asLong();
      }
      last = page.path("lastSeq").asLong();
      int n = 0;
      for (JsonNode m : page.path("messages")) {
        msgs.add(m);
        from = m.path("seq").asLong() + 1;
        n++;
      }
      if (n == 0 || from > last) {
        return new FeedCapture(sym, gw.toString(), first, last, msgs, null);
      }
    }
    return new FeedCapture(sym, gw.toString(), first, last, msgs, "more pages than expected");
  }
}
