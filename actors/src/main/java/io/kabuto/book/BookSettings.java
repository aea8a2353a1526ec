package io.kabuto.book;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.kabuto.matching.BookRules;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code kabuto.book} settings (defaults in this module's {@code reference.conf}): snapshot
 * cadence, write batching, persist-failure backoff, market-data retention and the per-symbol book rules.
 *
 * <pre>
 * kabuto.book {
 *   snapshot-every = 1000
 *   keep-snapshots = 2
 *   allow-unlisted-symbols = on
 *   max-batch = 256
 *   persist-failure-backoff { min = 200ms, max = 10s, random-factor = 0.2 }
 *   market-data { retain = 10000, feed-check-interval = 1s }
 *   defaults { base-price = "1000", tick-table = STANDARD, lot-size = 1, ... }
 *   symbols { "7203" { base-price = "2000", tick-table = TOPIX500 } }
 * }
 * </pre>
 *
 * A listed symbol's block falls back to {@code defaults} key by key, so it only needs the keys
 * that differ (normally base-price and tick-table).
 */
public final class BookSettings {
  public static final String PATH = "kabuto.book";

  private final int snapshotEvery;
  private final int keepSnapshots;
  private final boolean allowUnlistedSymbols;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final double randomFactor;
  private final Config defaults;
  private final ConfigObject symbols;
  private final long crashOnQuantity;
  private final Duration wakeInterval;
  private final int marketDataRetain;
  private final int maxBatch;
  private final Duration feedCheckInterval;

  private BookSettings(Config book) {
    this.snapshotEvery = book.getInt("snapshot-every");
    this.keepSnapshots = book.getInt("keep-snapshots");
    if (snapshotEvery <= 0) throw new ConfigException.BadValue(book.origin(), "snapshot-every", "must be > 0");
    if (keepSnapshots <= 0) throw new ConfigException.BadValue(book.origin(), "keep-snapshots", "must be > 0");
    this.allowUnlistedSymbols = book.getBoolean("allow-unlisted-symbols");
    this.minBackoff = book.getDuration("persist-failure-backoff.min");
    this.maxBackoff = book.getDuration("persist-failure-backoff.max");
    this.randomFactor = book.getDouble("persist-failure-backoff.random-factor");
    this.defaults = book.getConfig("defaults");
    this.symbols = book.getObject("symbols");
    this.crashOnQuantity = book.getLong("fault.crash-on-quantity");
    this.wakeInterval = book.getDuration("wake-interval");
    this.marketDataRetain = book.getInt("market-data.retain");
    if (marketDataRetain <= 0) {
      throw new ConfigException.BadValue(book.origin(), "market-data.retain", "must be > 0");
    }
    this.maxBatch = book.getInt("max-batch");
    if (maxBatch <= 0) throw new ConfigException.BadValue(book.origin(), "max-batch", "must be > 0 (1 = no batching)");
    this.feedCheckInterval = book.getDuration("market-data.feed-check-interval");
    if (feedCheckInterval.isNegative() || feedCheckInterval.isZero()) {
      throw new ConfigException.BadValue(book.origin(), "market-data.feed-check-interval", "must be > 0");
    }
  }

  /** Reads {@code kabuto.book} from a (resolved) root config, e.g. {@code system.settings().config()}. */
  public static BookSettings fromConfig(Config root) {
    return new BookSettings(root.getConfig(PATH));
  }

  public int snapshotEvery() {
    return snapshotEvery;
  }

  public int keepSnapshots() {
    return keepSnapshots;
  }

  public boolean allowUnlistedSymbols() {
    return allowUnlistedSymbols;
  }

  public Duration minBackoff() {
    return minBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double randomFactor() {
    return randomFactor;
  }

  /** Injected bug: an order of exactly this quantity makes the book throw (0 = off). */
  public long crashOnQuantity() {
    return crashOnQuantity;
  }

  /** How often matching nodes make sure every listed symbol's book is running. */
  public Duration wakeInterval() {
    return wakeInterval;
  }

  /**
   * Most commands a book writes to its journal in one write while an earlier write is in flight
   * (see {@link BookFront}); 1 writes every command on its own.
   */
  public int maxBatch() {
    return maxBatch;
  }

  /** How many of its newest market-data messages a book keeps for gap fills. */
  public int marketDataRetain() {
    return marketDataRetain;
  }

  /**
   * How often a node's market-data feed asks the book for messages it may have missed while
   * the topic is silent (a lost last message shows no gap until the next one).
   */
  public Duration feedCheckInterval() {
    return feedCheckInterval;
  }

  /** The symbols listed under {@code kabuto.book.symbols}. */
  public java.util.Set<String> listedSymbols() {
    return new java.util.TreeSet<>(symbols.keySet());
  }

  /** The rules of a symbol's book, or why there is no book for it. Exactly one is non-null. */
  public record Resolution(BookRules rules, String problem) {}

  /**
   * Book rules of {@code symbol}: its block under {@code kabuto.book.symbols} over the defaults;
   * for a symbol with no block, the defaults if unlisted symbols are allowed. Never throws: a bad
   * config becomes a {@link Resolution#problem()} that the book returns in its rejects.
   */
  public Resolution rulesFor(String symbol) {
    if (symbol == null || symbol.isBlank()) return new Resolution(null, "symbol is empty");
    ConfigValue v = symbols.get(symbol);
    String where;
    Config c;
    if (v == null) {
      if (!allowUnlistedSymbols) {
        return new Resolution(null, "symbol " + symbol + " is not listed (no " + PATH + ".symbols.\"" + symbol
            + "\" block) and " + PATH + ".allow-unlisted-symbols is off");
      }
      where = PATH + ".defaults";
      c = defaults;
    } else if (v.valueType() != ConfigValueType.OBJECT) {
      return new Resolution(null, "invalid book rules for symbol " + symbol + ": " + PATH + ".symbols.\"" + symbol
          + "\" must be an object, e.g. { base-price = \"2000\", tick-table = TOPIX500 }");
    } else {
      where = PATH + ".symbols.\"" + symbol + "\"";
      c = ((ConfigObject) v).toConfig().withFallback(defaults);
    }
    try {
      return new Resolution(parse(symbol, c), null);
    } catch (ConfigException | IllegalArgumentException | ArithmeticException e) {
      return new Resolution(null, "invalid book rules for symbol " + symbol + " (" + where + "): " + e.getMessage());
    }
  }

  private static BookRules parse(String symbol, Config c) {
    long basePrice = Prices.parseYen(c.getString("base-price")); // a number or a string: "2000", 1234.5
    TickTable ticks = TickTable.valueOf(c.getString("tick-table").trim().toUpperCase(Locale.ROOT));
    long lot = c.getLong("lot-size");
    long maxQty = c.getLong("max-order-quantity");
    int band = c.getInt("closing-band-multiplier");
    long step = c.getDuration("special-quote-step").toMillis();
    boolean sq = c.getBoolean("special-quotes");
    Phase initial = Phase.valueOf(c.getString("initial-phase").trim().toUpperCase(Locale.ROOT));
    return new BookRules(symbol, ticks, basePrice, lot, maxQty, band, step, sq, initial);
  }
}
