package io.kabuto.scenario.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.kabuto.cli.cluster.Topology;
import io.kabuto.matching.PriceLimits;
import io.kabuto.matching.Prices;
import io.kabuto.matching.TickTable;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario file (HOCON, top-level keys; the format is in the README's
 * "Scenarios" section). Every mistake is a {@link ScenarioError} naming the file, the path and the
 * fix; nothing is defaulted silently except the documented defaults.
 */
public final class ScenarioLoader {
  static final Set<String> TOP_KEYS = Set.of("name", "description", "seed", "topology", "config",
      "symbols", "clock", "brokers", "faults", "expectations");
  static final Set<String> SYMBOL_KEYS = Set.of("base-price", "tick-table", "lot-size");
  static final Set<String> CLOCK_KEYS = Set.of("start", "end", "speed", "schedule");
  static final Set<String> BROKER_KEYS = Set.of("kind", "count", "rate", "symbols", "on-failure",
      "quantity-lots", "protocol");
  static final Set<String> FAULT_KEYS = Set.of("at", "action", "node", "groups", "symbol", "fault",
      "millis", "reason", "wipe", "factor", "rate", "until", "config");
  static final Set<String> EXPECT_KEYS = Set.of("invariants", "recovery-seconds",
      "max-unanswered-per-fault", "market-halt", "max-rejected", "flood-latency-factor");
  static final Set<String> HALT_KEYS = Set.of("after-step", "within-seconds");
  static final Set<String> STORAGE_FAULTS = Set.of("HANG", "PANIC", "CRASH", "SLOW_DISK",
      "FULL_DISK", "CLEAR");
  /** Actions issue 6 names that the runner does not simulate yet. */
  static final Set<String> LATER_ACTIONS = Set.of("slow-disk", "full-disk");

  private final String file;
  private final Path home;

  private ScenarioLoader(String file, Path home) {
    this.file = file;
    this.home = home;
  }

  /**
   * Loads a scenario file. {@code home} is the Kabuto checkout ({@code KABUTO_HOME}), where named
   * topologies are looked up when they are not on the classpath.
   */
  public static Scenario load(Path path, Path home) {
    String f = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new ScenarioError(f + ": no such file. Fix: give the path of a scenario file, or a name "
          + "from ./kabuto scenario list");
    }
    Config c;
    try {
      c = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolve();
    } catch (ConfigException e) {
      throw new ScenarioError(f + ": not valid HOCON: " + e.getMessage()
          + ". Fix: correct the syntax at the line shown");
    }
    return new ScenarioLoader(f, home).parse(c, path);
  }

  Scenario parse(Config c, Path path) {
    onlyKeys(c, "", TOP_KEYS);
    String name = string(c, "name", null);
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw err("name", "'" + name + "' is not a scenario name",
          "use lower-case letters, digits and '-', e.g. normal-day");
    }
    String description = string(c, "description", null).strip();
    long seed = c.hasPath("seed") ? longValue(c, "seed") : 1L;
    Topology topology = topology(c);
    String overrides = "";
    if (c.hasPath("config")) {
      if (c.getValue("config").valueType() != ConfigValueType.OBJECT) {
        throw err("config", "must be a block of node settings", "write config { kabuto.book.snapshot-every = 500 }");
      }
      overrides = c.getConfig("config").root().render(ConfigRenderOptions.concise().setJson(false).setFormatted(true));
    }
    Map<String, SymbolSpec> symbols = symbols(c);
    ClockSpec clock = clock(c);
    List<BrokerPopulation> brokers = brokers(c, symbols);
    List<FaultStep> faults = faults(c, clock, topology, symbols);
    Expectations expectations = expectations(c, faults);
    HaltExpectation halt = marketHalt(c, faults);
    return new Scenario(path, name, description, seed, topology, overrides, symbols, clock, brokers,
        faults, expectations, halt);
  }

  // ---------------------------------------------------------------- sections

  private Topology topology(Config c) {
    String t = c.hasPath("topology") ? string(c, "topology", null) : "five-nodes";
    if (t.matches("[a-z0-9-]+")) {
      String resource = "kabuto/topologies/" + t + ".conf";
      try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(resource)) {
        if (in != null) {
          return Topology.parse(ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)), resource);
        }
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw err("topology", "topology '" + t + "' cannot be read: " + e.getMessage(), "fix the topology file");
      }
      Path p = home.resolve("cluster-config/topologies/" + t + ".conf");
      if (!Files.isRegularFile(p)) {
        throw err("topology", "no topology named '" + t + "'",
            "use five-nodes (the default), a file in cluster-config/topologies, or a path to a topology file");
      }
      return loadTopology(p);
    }
    Path p = Path.of(t);
    if (!p.isAbsolute()) {
      p = Path.of(file).toAbsolutePath().getParent().resolve(t);
    }
    return loadTopology(p);
  }

  private Topology loadTopology(Path p) {
    try {
      return Topology.load(p);
    } catch (IllegalArgumentException e) {
      throw err("topology", e.getMessage(), "give a topology file shaped like cluster-config/topologies/five-nodes.conf");
    }
  }

  private Map<String, SymbolSpec> symbols(Config c) {
    if (!c.hasPath("symbols") || c.getValue("symbols").valueType() != ConfigValueType.OBJECT
        || c.getObject("symbols").isEmpty()) {
      throw err("symbols", "missing or empty", "list the symbols to trade, e.g. symbols { \"7203\" "
          + "{ base-price = \"2000\", tick-table = TOPIX500, lot-size = 100 } }");
    }
    Map<String, SymbolSpec> out = new LinkedHashMap<>();
    for (String sym : c.getObject("symbols").keySet()) {
      String p = "symbols.\"" + sym + "\"";
      if (!sym.matches("[A-Za-z0-9._-]{1,20}")) {
        throw err(p, "'" + sym + "' is not a symbol", "use 1-20 of A-Z a-z 0-9 . _ - (quote numeric codes: \"7203\")");
      }
      if (c.getValue(p).valueType() != ConfigValueType.OBJECT) {
        throw err(p, "must be a block", "write \"" + sym + "\" { base-price = \"2000\", tick-table = TOPIX500, lot-size = 100 }");
      }
      Config s = c.getConfig(p);
      onlyKeys(s, p + ".", SYMBOL_KEYS);
      String priceText = string(s, "base-price", p + ".");
      long base;
      try {
        base = Prices.parseYen(priceText);
        PriceLimits.limitWidth(base);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw err(p + ".base-price", "'" + priceText + "' is not a usable base price (" + e.getMessage() + ")",
            "give yen as a string with at most one decimal, e.g. \"2000\" or \"1234.5\"");
      }
      TickTable table = enumValue(s, "tick-table", p + ".", TickTable.class, TickTable.STANDARD);
      if (!table.onGrid(base)) {
        throw err(p + ".base-price", priceText + " yen is off the " + table + " tick grid",
            "use a price on the grid, e.g. " + Prices.format(table.roundDown(base)));
      }
      long lot = s.hasPath("lot-size") ? longValue(s, "lot-size", p + ".") : 100;
      if (lot < 1) {
        throw err(p + ".lot-size", "must be at least 1, got " + lot, "use the trading unit, e.g. 100");
      }
      out.put(sym, new SymbolSpec(sym, base, table, lot));
    }
    return out;
  }

  private ClockSpec clock(Config c) {
    Config k = c.hasPath("clock") ? c.getConfig("clock") : ConfigFactory.empty();
    onlyKeys(k, "clock.", CLOCK_KEYS);
    long start = time(k, "start", "clock.", "08:00");
    long end = time(k, "end", "clock.", "15:30");
    if (end <= start) {
      throw err("clock.end", SimTime.format(end) + " is not after clock.start " + SimTime.format(start),
          "make end later than start, e.g. start = \"08:00\", end = \"15:30\"");
    }
    double speed = 300;
    if (k.hasPath("speed")) {
      speed = number(k, "speed", "clock.");
      if (!(speed > 0) || speed > 100_000) {
        throw err("clock.speed", "must be above 0 and at most 100000, got " + speed,
            "e.g. speed = 300 runs 08:00-15:30 in 90 s");
      }
    }
    boolean schedule = false;
    if (k.hasPath("schedule")) {
      try {
        schedule = k.getBoolean("schedule");
      } catch (ConfigException.WrongType e) {
        throw err("clock.schedule", "must be on or off, got " + k.getValue("schedule").render(),
            "write schedule = on to run the TSE day (pre-open, itayose, lunch break, close) on this clock");
      }
    }
    return new ClockSpec(start, end, speed, schedule);
  }

  private List<BrokerPopulation> brokers(Config c, Map<String, SymbolSpec> symbols) {
    if (!c.hasPath("brokers") || c.getValue("brokers").valueType() != ConfigValueType.LIST) {
      throw err("brokers", "missing, or not a list", "add brokers = [ { kind = market-maker, count = 2, "
          + "rate = 4, symbols = [\"7203\"], on-failure = resend } ]");
    }
    List<BrokerPopulation> out = new ArrayList<>();
    List<? extends ConfigValue> list = c.getList("brokers");
    if (list.isEmpty()) {
      throw err("brokers", "the list is empty", "add at least one broker population");
    }
    for (int i = 0; i < list.size(); i++) {
      String p = "brokers[" + i + "].";
      if (list.get(i).valueType() != ConfigValueType.OBJECT) {
        throw err("brokers[" + i + "]", "must be a block { kind = ..., count = ... }", "write each population as { ... }");
      }
      Config b = c.getConfigList("brokers").get(i);
      onlyKeys(b, p, BROKER_KEYS);
      BrokerKind kind = byWord(BrokerKind.values(), string(b, "kind", p), p + "kind");
      int count = (int) longValue(b, "count", p);
      if (count < 1 || count > 100) {
        throw err(p + "count", "must be 1..100, got " + count, "give the number of brokers of this kind");
      }
      double rate = number(b, "rate", p);
      if (!(rate > 0) || rate > 1000) {
        throw err(p + "rate", "must be above 0 and at most 1000 orders per second, got " + rate,
            "give each broker's orders per wall-clock second, e.g. rate = 5");
      }
      List<String> syms;
      if (b.hasPath("symbols")) {
        try {
          syms = b.getStringList("symbols");
        } catch (ConfigException.WrongType e) {
          throw err(p + "symbols", "must be a list of symbols", "write symbols = [\"7203\", \"6758\"]");
        }
        for (String s : syms) {
          if (!symbols.containsKey(s)) {
            throw err(p + "symbols", "'" + s + "' is not in the scenario's symbols " + symbols.keySet(),
                "add it under symbols { } or remove it here");
          }
        }
        if (syms.isEmpty()) {
          throw err(p + "symbols", "the list is empty", "leave it out to trade every symbol");
        }
      } else {
        syms = List.copyOf(symbols.keySet());
      }
      OnFailure onFailure = b.hasPath("on-failure")
          ? byWord(OnFailure.values(), string(b, "on-failure", p), p + "on-failure") : OnFailure.RESEND;
      Protocol protocol = b.hasPath("protocol")
          ? byWord(Protocol.values(), string(b, "protocol", p), p + "protocol") : Protocol.HTTP;
      if (onFailure == OnFailure.CANCEL_ON_DISCONNECT && protocol != Protocol.FIX) {
        throw err("brokers[" + i + "]", "on-failure = cancel-on-disconnect needs protocol = fix",
            "add protocol = fix (only a FIX session's loss cancels the broker's orders), or use "
                + "on-failure = resend or give-up");
      }
      int lots = b.hasPath("quantity-lots") ? (int) longValue(b, "quantity-lots", p) : 5;
      if (lots < 1 || lots > 10_000) {
        throw err(p + "quantity-lots", "must be 1..10000, got " + lots, "orders are 1..quantity-lots lots");
      }
      out.add(new BrokerPopulation(kind, count, rate, List.copyOf(syms), onFailure, lots, protocol));
    }
    return List.copyOf(out);
  }

  private List<FaultStep> faults(Config c, ClockSpec clock, Topology topology, Map<String, SymbolSpec> symbols) {
    if (!c.hasPath("faults")) {
      return List.of();
    }
    if (c.getValue("faults").valueType() != ConfigValueType.LIST) {
      throw err("faults", "must be a list", "write faults = [ { at = \"10:00\", action = kill, node = node-3 } ]");
    }
    List<FaultStep> out = new ArrayList<>();
    List<? extends ConfigValue> list = c.getList("faults");
    for (int i = 0; i < list.size(); i++) {
      String p = "faults[" + i + "].";
      if (list.get(i).valueType() != ConfigValueType.OBJECT) {
        throw err("faults[" + i + "]", "must be a block { at = ..., action = ... }", "write each step as { ... }");
      }
      Config f = c.getConfigList("faults").get(i);
      onlyKeys(f, p, FAULT_KEYS);
      long at = time(f, "at", p, null);
      if (at < clock.start() || at >= clock.end()) {
        throw err(p + "at", SimTime.format(at) + " is outside the clock " + SimTime.format(clock.start())
            + "-" + SimTime.format(clock.end()), "move the step inside the simulated day");
      }
      if (!out.isEmpty() && at < out.get(out.size() - 1).at()) {
        throw err(p + "at", SimTime.format(at) + " is before the previous step",
            "list the steps in time order");
      }
      if (!out.isEmpty() && at < out.get(out.size() - 1).until()) {
        throw err(p + "at", SimTime.format(at) + " is inside the previous step's window (until "
            + SimTime.format(out.get(out.size() - 1).until()) + "): the steps run one after another",
            "move the step after the window ends");
      }
      String actionWord = string(f, "action", p);
      if (LATER_ACTIONS.contains(actionWord)) {
        throw err(p + "action", "'" + actionWord + "' is not implemented by the runner yet",
            "use one of " + words(FaultAction.values()));
      }
      FaultAction action = byWord(FaultAction.values(), actionWord, p + "action");
      String node = null;
      if (action.needsNode || (action == FaultAction.PARTITION && f.hasPath("node"))) {
        node = string(f, "node", p);
        checkNode(node, p + "node", topology, symbols, out);
        if (action == FaultAction.PARTITION && f.hasPath("groups")) {
          throw err(p + "groups", "a partition takes groups or node (cut that node off from all the others), not both",
              "remove one of them");
        }
      } else if (f.hasPath("node")) {
        throw err(p + "node", action.word + " names no node", "remove node here");
      }
      List<List<String>> groups = List.of();
      if (action == FaultAction.PARTITION && node == null) {
        groups = groups(string(f, "groups", p), p + "groups", topology);
      } else if (f.hasPath("groups")) {
        throw err(p + "groups", "only a partition has groups", "remove groups here");
      }
      String symbol = null;
      if (f.hasPath("symbol")) {
        if (action != FaultAction.HALT && action != FaultAction.RESUME_MARKET) {
          throw err(p + "symbol", "only halt and resume-market take a symbol", "remove symbol here");
        }
        symbol = string(f, "symbol", p);
        if (!symbols.containsKey(symbol)) {
          throw err(p + "symbol", "'" + symbol + "' is not one of the scenario's symbols " + symbols.keySet(),
              "name a listed symbol, or leave symbol out for the whole market");
        }
      }
      String storageFault = null;
      long millis = 0;
      if (action == FaultAction.STORAGE_FAULT) {
        storageFault = string(f, "fault", p).toUpperCase(Locale.ROOT).replace('-', '_');
        if (!STORAGE_FAULTS.contains(storageFault)) {
          throw err(p + "fault", "'" + storageFault + "' is not a storage fault",
              "use one of " + new java.util.TreeSet<>(STORAGE_FAULTS));
        }
        Topology.Node n = topology.node(node);
        if (n != null && !n.roles().contains("storage")) {
          throw err(p + "node", node + " has no storage role (roles " + n.roles() + ")",
              "name a storage node of topology " + topology.name());
        }
        millis = f.hasPath("millis") ? longValue(f, "millis", p) : 0;
        if (storageFault.equals("SLOW_DISK") && millis <= 0) {
          throw err(p + "millis", "SLOW_DISK needs the added latency per write", "add millis = 200");
        }
      } else if (f.hasPath("fault") || f.hasPath("millis")) {
        throw err(p + "fault", "only storage-fault takes fault and millis", "remove them here");
      }
      String reason = f.hasPath("reason") ? string(f, "reason", p) : null;
      boolean wipe = false;
      if (f.hasPath("wipe")) {
        if (action != FaultAction.RESTART) {
          throw err(p + "wipe", "only restart takes wipe", "remove wipe here");
        }
        try {
          wipe = f.getBoolean("wipe");
        } catch (ConfigException.WrongType e) {
          throw err(p + "wipe", "must be true or false, got " + f.getValue("wipe").render(),
              "write wipe = true to restart the node on an empty data directory");
        }
      }
      String settings = null;
      if (f.hasPath("config")) {
        if (action != FaultAction.RESTART) {
          throw err(p + "config", "only restart takes config (the settings the node restarts with)",
              "remove config here, or put it in the scenario's top-level config for every node");
        }
        try {
          // one `path = value` line per setting: the node appends them to its own config file
          settings = String.join("\n", f.getConfig("config").entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(e -> e.getKey() + " = " + e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()))
              .toList());
        } catch (ConfigException.WrongType e) {
          throw err(p + "config", "must be a block of settings, got " + f.getValue("config").render(),
              "write config { kabuto.book.legacy-primary-of = [\"7203\"] }");
        }
      }
      if (wipe && settings != null) {
        throw err(p + "config", "a restart takes wipe = true or config, not both yet",
            "split it into two steps, or drop one of them");
      }
      double factor = 0;
      double rate = 0;
      long until = 0;
      if (action == FaultAction.LOAD_BURST) {
        factor = number(f, "factor", p);
        if (!(factor > 0) || factor > 100) {
          throw err(p + "factor", "must be above 0 and at most 100, got " + factor,
              "e.g. factor = 10 for ten times the brokers' rate");
        }
      } else if (f.hasPath("factor")) {
        throw err(p + "factor", "only load-burst takes factor", "remove factor here");
      }
      if (action == FaultAction.FLOOD) {
        rate = number(f, "rate", p);
        if (!(rate >= 1) || rate > 5000) {
          throw err(p + "rate", "must be 1..5000 requests per second, got " + rate,
              "e.g. rate = 500, far above a participant's cap");
        }
        Topology.Node n = topology.node(node);
        if (n != null && !n.roles().contains("gateway")) {
          throw err(p + "node", node + " has no gateway role (roles " + n.roles() + ")",
              "name a gateway node of topology " + topology.name());
        }
      } else if (f.hasPath("rate")) {
        throw err(p + "rate", "only flood takes rate", "remove rate here");
      }
      if (action == FaultAction.LOAD_BURST || action == FaultAction.FLOOD) {
        until = time(f, "until", p, null);
        if (until <= at || until > clock.end()) {
          throw err(p + "until", SimTime.format(until) + " is not between the step's at " + SimTime.format(at)
              + " and clock.end " + SimTime.format(clock.end()), "end the window after it starts, within the day");
        }
      } else if (f.hasPath("until")) {
        throw err(p + "until", "only load-burst and flood take until", "remove until here");
      }
      out.add(new FaultStep(i + 1, at, action, node, groups, symbol, storageFault, millis, reason, wipe,
          factor, rate, until, settings));
    }
    return List.copyOf(out);
  }

  private void checkNode(String node, String path, Topology topology, Map<String, SymbolSpec> symbols,
      List<FaultStep> earlier) {
    if (node.startsWith(FaultStep.TARGET_OF)) {
      String n = node.substring(FaultStep.TARGET_OF.length());
      int step = n.matches("[0-9]{1,4}") ? Integer.parseInt(n) : -1;
      if (step < 1 || step > earlier.size() || earlier.get(step - 1).node() == null) {
        throw err(path, "'" + node + "' does not name an earlier step that hit a node",
            "write target-of:N with N the number (from 1) of an earlier kill, pause, restart or storage-fault step");
      }
      return;
    }
    if (node.startsWith(FaultStep.HOST_OF)) {
      String sym = node.substring(FaultStep.HOST_OF.length());
      if (!symbols.containsKey(sym)) {
        throw err(path, "'" + sym + "' is not one of the scenario's symbols " + symbols.keySet(),
            "write host-of:SYMBOL with a listed symbol");
      }
      return;
    }
    if (topology.node(node) == null) {
      throw err(path, "no node '" + node + "' in topology " + topology.name(),
          "use one of " + topology.nodes().stream().map(Topology.Node::name).toList()
              + ", host-of:SYMBOL for the node hosting a book, or target-of:N for the node step N hit");
    }
  }

  private List<List<String>> groups(String text, String path, Topology topology) {
    List<List<String>> groups = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String g : text.split("/")) {
      List<String> group = new ArrayList<>();
      for (String n : g.trim().split("[,\\s]+")) {
        if (n.isBlank()) {
          continue;
        }
        if (topology.node(n) == null) {
          throw err(path, "no node '" + n + "' in topology " + topology.name(),
              "use the topology's nodes " + topology.nodes().stream().map(Topology.Node::name).toList());
        }
        if (!seen.add(n)) {
          throw err(path, n + " is in two groups", "put each node in one group");
        }
        group.add(n);
      }
      if (!group.isEmpty()) {
        groups.add(List.copyOf(group));
      }
    }
    if (groups.size() < 2) {
      throw err(path, "'" + text + "' is fewer than two groups", "write groups = \"node-1,node-2 / node-3,node-4,node-5\"");
    }
    return List.copyOf(groups);
  }

  private Expectations expectations(Config c, List<FaultStep> faults) {
    Config e = c.hasPath("expectations") ? c.getConfig("expectations") : ConfigFactory.empty();
    onlyKeys(e, "expectations.", EXPECT_KEYS);
    Set<Invariant> inv = EnumSet.allOf(Invariant.class);
    if (e.hasPath("invariants")) {
      inv = EnumSet.noneOf(Invariant.class);
      List<String> words;
      try {
        words = e.getStringList("invariants");
      } catch (ConfigException.WrongType x) {
        throw err("expectations.invariants", "must be a list", "write invariants = [no-lost-ack, no-overfill]");
      }
      for (String w : words) {
        if (w.equals("all")) {
          inv.addAll(EnumSet.allOf(Invariant.class));
        } else {
          inv.add(byWord(Invariant.values(), w, "expectations.invariants"));
        }
      }
    }
    double recovery = e.hasPath("recovery-seconds") ? number(e, "recovery-seconds", "expectations.") : 30;
    if (!(recovery > 0)) {
      throw err("expectations.recovery-seconds", "must be above 0", "e.g. recovery-seconds = 30");
    }
    int unanswered = e.hasPath("max-unanswered-per-fault")
        ? (int) longValue(e, "max-unanswered-per-fault", "expectations.") : -1;
    int rejected = e.hasPath("max-rejected") ? (int) longValue(e, "max-rejected", "expectations.") : -1;
    if (e.hasPath("max-rejected") && rejected < 0) {
      throw err("expectations.max-rejected", "must be 0 or more, got " + rejected,
          "e.g. max-rejected = 0: no new order refused");
    }
    double flood = 0;
    if (e.hasPath("flood-latency-factor")) {
      flood = number(e, "flood-latency-factor", "expectations.");
      if (!(flood >= 1)) {
        throw err("expectations.flood-latency-factor", "must be at least 1, got " + flood,
            "e.g. flood-latency-factor = 3: the others' p99 during a flood at most 3 times before it");
      }
      if (faults.stream().noneMatch(f -> f.action() == FaultAction.FLOOD)) {
        throw err("expectations.flood-latency-factor", "the file has no flood step",
            "add a step { at = ..., action = flood, node = node-1, rate = 500, until = ... } or remove this");
      }
    }
    return new Expectations(Set.copyOf(inv), recovery, unanswered, rejected, flood);
  }

  private HaltExpectation marketHalt(Config c, List<FaultStep> faults) {
    String p = "expectations.market-halt";
    if (!c.hasPath(p)) {
      return HaltExpectation.ANY;
    }
    ConfigValue v = c.getValue(p);
    if (v.valueType() == ConfigValueType.STRING) {
      String w = c.getString(p);
      if (w.equals("never")) {
        return HaltExpectation.NEVER;
      }
      if (w.equals("any")) {
        return HaltExpectation.ANY;
      }
    } else if (v.valueType() == ConfigValueType.OBJECT) {
      Config h = c.getConfig(p);
      onlyKeys(h, p + ".", HALT_KEYS);
      int step = (int) longValue(h, "after-step", p + ".");
      if (step < 1 || step > faults.size()) {
        throw err(p + ".after-step", "no fault step " + step + " (the file has " + faults.size() + ")",
            "give the number (from 1) of the fault step the halt must follow");
      }
      double within = number(h, "within-seconds", p + ".");
      if (!(within > 0)) {
        throw err(p + ".within-seconds", "must be above 0", "e.g. within-seconds = 30");
      }
      return new HaltExpectation(HaltExpectation.Kind.WITHIN, step, within);
    }
    throw err(p, "must be never, any, or { after-step = N, within-seconds = S }, got " + v.render(),
        "write market-halt = never, or market-halt { after-step = 1, within-seconds = 30 }");
  }

  // ---------------------------------------------------------------- typed access with errors

  private ScenarioError err(String path, String problem, String fix) {
    return ScenarioError.at(file, path, problem, fix);
  }

  private void onlyKeys(Config c, String prefix, Set<String> allowed) {
    for (String k : c.root().keySet()) {
      if (!allowed.contains(k)) {
        throw err(prefix + k, "unknown key", "use one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private String string(Config c, String key, String prefix) {
    String p = prefix == null ? key : prefix + key;
    if (!c.hasPath(key)) {
      throw err(p, "missing", "add " + key + " = ...");
    }
    ConfigValue v = c.getValue(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw err(p, "must be a single value, not a " + v.valueType().name().toLowerCase(Locale.ROOT),
          "write " + key + " = \"...\"");
    }
    String s = c.getString(key);
    if (s.isBlank()) {
      throw err(p, "is empty", "give a value");
    }
    return s;
  }

  private long longValue(Config c, String key) {
    return longValue(c, key, "");
  }

  private long longValue(Config c, String key, String prefix) {
    if (!c.hasPath(key)) {
      throw err(prefix + key, "missing", "add " + key + " = N");
    }
    try {
      return c.getLong(key);
    } catch (ConfigException.WrongType e) {
      throw err(prefix + key, "must be a whole number, got " + c.getValue(key).render(), "write " + key + " = 5");
    }
  }

  private double number(Config c, String key, String prefix) {
    if (!c.hasPath(key)) {
      throw err(prefix + key, "missing", "add " + key + " = N");
    }
    try {
      return c.getDouble(key);
    } catch (ConfigException.WrongType e) {
      throw err(prefix + key, "must be a number, got " + c.getValue(key).render(), "write " + key + " = 5");
    }
  }

  private long time(Config c, String key, String prefix, String dflt) {
    if (!c.hasPath(key) && dflt != null) {
      return SimTime.parse(dflt);
    }
    String s = string(c, key, prefix);
    try {
      return SimTime.parse(s);
    } catch (DateTimeParseException e) {
      throw err(prefix + key, "'" + s + "' is not a time of day", "write \"HH:MM\" or \"HH:MM:SS\", e.g. \"09:30\"");
    }
  }

  private <E extends Enum<E>> E enumValue(Config c, String key, String prefix, Class<E> type, E dflt) {
    if (!c.hasPath(key)) {
      return dflt;
    }
    String s = string(c, key, prefix);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw err(prefix + key, "'" + s + "' is not one of " + Arrays.toString(type.getEnumConstants()),
        "use one of " + Arrays.toString(type.getEnumConstants()));
  }

  private <E extends Enum<E>> E byWord(E[] values, String word, String path) {
    for (E e : values) {
      if (wordOf(e).equals(word)) {
        return e;
      }
    }
    throw err(path, "'" + word + "' is not known", "use one of " + words(values));
  }

  private static <E extends Enum<E>> List<String> words(E[] values) {
    return Arrays.stream(values).map(ScenarioLoader::wordOf).toList();
  }

  private static String wordOf(Enum<?> e) {
    if (e instanceof BrokerKind k) {
      return k.word;
    }
    if (e instanceof OnFailure o) {
      return o.word;
    }
    if (e instanceof FaultAction a) {
      return a.word;
    }
    if (e instanceof Invariant i) {
      return i.word;
    }
    return e.name().toLowerCase(Locale.ROOT);
  }
}
