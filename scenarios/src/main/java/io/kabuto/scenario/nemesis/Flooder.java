package io.kabuto.scenario.nemesis;

import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import io.kabuto.scenario.broker.Roster;
import io.kabuto.scenario.model.SymbolSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A participant gone wild (a runaway algorithm): new orders to one gateway far above its rate cap,
 * from the participant {@link Roster#FLOODER}. Its buys rest 5% under the base price, where no
 * broker's order reaches, so what gets through never trades with the brokers whose history is
 * checked. The counts go into the flood step's history line.
 */
final class Flooder {
  /** Requests in flight at most: a runaway client, not an unbounded one that exhausts this JVM. */
  private static final int MAX_IN_FLIGHT = 256;

  /** What the flood got, by answer. */
  record Counts(long sent, long accepted, long rateLimited, long otherStatus, long noAnswer) {
    String describe() {
      return sent + " sent: " + accepted + " accepted, " + rateLimited + " refused for the rate (429), "
          + otherStatus + " other answers, " + noAnswer + " without answer";
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI gateway;
  private final List<SymbolSpec> symbols;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private final AtomicLong noAnswer = new AtomicLong();

  Flooder(URI gateway, List<SymbolSpec> symbols) {
    this.gateway = gateway;
    this.symbols = List.copyOf(symbols);
  }

  /** Floods at {@code rate} requests/s for {@code nanos}, then waits for the answers in flight. */
  Counts run(double rate, long nanos, String tag) throws InterruptedException {
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long next = start;
    long sent = 0;
    while (System.nanoTime() - start < nanos) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      next += interval;
      if (!inFlight.tryAcquire()) {
        continue; // the gateway holds this many already: a client with a pool would drop it too
      }
      SymbolSpec s = symbols.get((int) (sent % symbols.size()));
      String body = "{\"clOrdId\":\"" + tag + sent + "\",\"symbol\":\"" + s.symbol()
          + "\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"tif\":\"DAY\",\"price\":\"" + Prices.format(farBid(s))
          + "\",\"qty\":" + s.lotSize() + "}";
      sent++;
      http.sendAsync(HttpRequest.newBuilder(gateway.resolve("/orders"))
              .timeout(Duration.ofSeconds(15))
              .header("Authorization", "Bearer " + Roster.FLOODER_TOKEN)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, e) -> {
            inFlight.release();
            if (e != null) {
              noAnswer.incrementAndGet();
            } else if (r.statusCode() == 429) {
              rateLimited.incrementAndGet();
            } else if (r.statusCode() < 300) {
              accepted.incrementAndGet();
            } else {
              other.incrementAndGet();
            }
          });
    }
    inFlight.tryAcquire(MAX_IN_FLIGHT, 20, TimeUnit.SECONDS);
    return new Counts(sent, accepted.get(), rateLimited.get(), other.get(), noAnswer.get());
  }

  /** 5% under the base price on the tick grid: below every broker's fair value (within 1%). */
  static long farBid(SymbolSpec s) {
    TickTable t = s.tickTable();
    return t.roundDown(s.basePrice() * 95 / 100);
  }
}
