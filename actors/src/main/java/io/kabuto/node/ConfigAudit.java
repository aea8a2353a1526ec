package io.kabuto.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.kabuto.persistence.node.StorageAudit;
import io.kabuto.persistence.node.StorageSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.slf4j.Logger;

/**
 * Audits a node's resolved config (as built by {@link NodeConfig}) for settings that disable,
 * endanger or slow down failover: downing, the split brain resolver and its timings, sharding
 * passivation of order books, and (through {@link StorageAudit}) the journal's storage settings.
 *
 * <p>Severities: {@link Severity#ERROR} for settings that disable failover or are unsafe (two
 * writers, lost acknowledged events); {@link Severity#WARNING} for settings that only slow
 * failover or trade availability away on purpose. {@code ./kabuto config check} prints the
 * findings and fails on any error; nodes log them at start.
 */
public final class ConfigAudit {
  private ConfigAudit() {}

  public enum Severity { ERROR, WARNING }

  public record Finding(Severity severity, String key, String problem, String fix) {
    @Override
    public String toString() {
      return severity + " " + key + ": " + problem + " Fix: " + fix;
    }
  }

  public static final String SBR_PROVIDER = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider";
  /** Arrowhead's requirement: trading resumes within 30 s of a failure. */
  public static final Duration FAILOVER_TARGET = Duration.ofSeconds(30);

  private static final String CLUSTER = "pekko.cluster.";
  private static final String SBR = "pekko.cluster.split-brain-resolver.";
  private static final String FD = "pekko.cluster.failure-detector.";
  private static final String SHARDING = "pekko.cluster.sharding.";

  /** All findings, the storage ones included. */
  public static List<Finding> check(Config config) {
    return check(config, true);
  }

  /**
   * @param includeStorage false on storage nodes, whose {@code StorageRoleService} already logs
   *     the {@link StorageAudit} findings
   */
  public static List<Finding> check(Config config, boolean includeStorage) {
    List<Finding> out = new ArrayList<>();
    try {
      checkDowning(config, out);
      checkPassivation(config, out);
    } catch (ConfigException e) {
      out.add(new Finding(Severity.ERROR, "pekko.cluster",
          "a cluster setting cannot be read: " + e.getMessage(),
          "correct the value named above (Pekko's reference.conf documents each key)."));
    }
    try {
      checkLegacyPrimaries(config, out);
    } catch (ConfigException e) {
      out.add(new Finding(Severity.ERROR, "kabuto.book.legacy-primary-of",
          "cannot be read: " + e.getMessage(),
          "make it a list of symbols, e.g. [\"7203\"], or remove it."));
    }
    if (includeStorage) {
      checkStorage(config, out);
    }
    return out;
  }

  /** Logs each finding (errors at ERROR, warnings at WARN); returns the number of errors. */
  public static int log(List<Finding> findings, Logger log) {
    int errors = 0;
    for (Finding f : findings) {
      if (f.severity() == Severity.ERROR) {
        errors++;
        log.error("config audit: {}", f);
      } else {
        log.warn("config audit: {}", f);
      }
    }
    return errors;
  }

  private static void checkDowning(Config c, List<Finding> out) {
    String autoDown = CLUSTER + "auto-down-unreachable-after";
    if (c.hasPath(autoDown) && !isOff(c, autoDown)) {
      out.add(new Finding(Severity.ERROR, autoDown,
          "auto-down is unsafe (each side of a partition downs the other and both run the same "
              + "order books) and Pekko no longer implements it: the setting is ignored, so "
              + "whoever set it expects downing that does not come from it.",
          "remove it; the split brain resolver (base.conf) does the downing."));
    }

    String providerKey = CLUSTER + "downing-provider-class";
    String provider = c.hasPath(providerKey) ? c.getString(providerKey).trim() : "";
    if (provider.isEmpty()) {
      out.add(new Finding(Severity.ERROR, providerKey,
          "no downing provider: an unreachable node is never downed, so the order books on it are "
              + "never started elsewhere and stay unavailable until it comes back.",
          "set it to \"" + SBR_PROVIDER + "\" (base.conf does), or include "
              + "classpath(\"kabuto/sbr/keep-majority.conf\")."));
      return;
    }
    if (!provider.equals(SBR_PROVIDER)) {
      out.add(new Finding(Severity.WARNING, providerKey,
          "downing provider " + provider + " is not Pekko's split brain resolver; this audit cannot "
              + "tell whether it downs crashed nodes or keeps two sides from running.",
          "use \"" + SBR_PROVIDER + "\" with a profile from kabuto/sbr/ unless you have verified "
              + "that provider."));
      return;
    }

    String strategyKey = SBR + "active-strategy";
    String strategy = c.getString(strategyKey).trim().toLowerCase(Locale.ROOT);
    switch (strategy) {
      case "keep-majority" -> { }
      case "static-quorum" -> checkStaticQuorum(c, out);
      case "keep-oldest" -> {
        if (!c.getBoolean(SBR + "keep-oldest.down-if-alone")) {
          out.add(new Finding(Severity.WARNING, SBR + "keep-oldest.down-if-alone",
              "down-if-alone = off: if the oldest node crashes or is cut off alone, every other "
                  + "node downs itself and the whole exchange stops.",
              "set down-if-alone = on (kabuto/sbr/keep-oldest.conf does)."));
        }
      }
      case "down-all" -> out.add(new Finding(Severity.WARNING, strategyKey,
          "down-all: one unreachable node downs every node, so there is no failover; the cluster "
              + "must be restarted by hand.",
          "use keep-majority (the default) unless a full stop is what you want to rehearse."));
      case "lease-majority" -> {
        String lease = SBR + "lease-majority.lease-implementation";
        if (c.getString(lease).isBlank()) {
          out.add(new Finding(Severity.ERROR, lease,
              "lease-majority without a lease implementation: the split brain resolver does not "
                  + "start, so nothing is downed (Kabuto ships no lease; see "
                  + "kabuto/sbr/lease-majority.conf).",
              "use keep-majority (the default), or name the config path of a lease you run."));
        }
      }
      default -> out.add(new Finding(Severity.ERROR, strategyKey,
          "unknown strategy '" + strategy + "': the split brain resolver does not start.",
          "use keep-majority, static-quorum, keep-oldest or down-all (profiles in kabuto/sbr/)."));
    }
    checkTimings(c, out);
  }

  private static void checkStaticQuorum(Config c, List<Finding> out) {
    String key = SBR + "static-quorum.quorum-size";
    int quorum;
    try {
      quorum = c.getInt(key);
    } catch (ConfigException.WrongType e) {
      quorum = 0;
    }
    if (quorum < 1) {
      out.add(new Finding(Severity.ERROR, key,
          "static-quorum needs a quorum-size >= 1 (got '" + c.getValue(key).unwrapped()
              + "'): the split brain resolver does not start.",
          "set it to a majority of the cluster's nodes (3 for 5 nodes, 2 for 3), or include "
              + "classpath(\"kabuto/sbr/static-quorum.conf\")."));
      return;
    }
    String role = c.getString(SBR + "static-quorum.role").trim();
    OptionalInt known = clusterSize(c, role);
    if (known.isEmpty()) {
      return; // the size is not configured anywhere: nothing to compare with
    }
    int n = known.getAsInt();
    String members = n + (role.isEmpty() ? " nodes" : " nodes with role " + role);
    String fit = "set quorum-size = " + (n / 2 + 1) + " (a majority of " + members + ")";
    if (quorum > n) {
      out.add(new Finding(Severity.ERROR, key,
          "quorum-size " + quorum + " is more than the " + members + " of the cluster: the cluster "
              + "never reaches quorum and downs itself at the first unreachable node.",
          fit + "."));
    } else if (n > 2 * quorum - 1) {
      out.add(new Finding(Severity.ERROR, key,
          "quorum-size " + quorum + " is not a majority of " + members + ": both sides of a "
              + "split can reach it, and two clusters run the same order books.",
          fit + "."));
    } else if (quorum == n && n > 1) {
      out.add(new Finding(Severity.ERROR, key,
          "quorum-size " + quorum + " equals the cluster size: the loss of any one node downs the "
              + "whole cluster, so there is no failover.",
          n == 2 ? "run 3 nodes with quorum-size = 2 (a 2-node cluster cannot survive a failure)."
              : fit + "."));
    }
  }

  /**
   * Failover of a book from a crashed node takes about: failure detection (acceptable pause plus
   * a heartbeat), then stable-after, then the down-removal-margin before its shard moves.
   */
  private static void checkTimings(Config c, List<Finding> out) {
    Duration stable = c.getDuration(SBR + "stable-after");
    Duration pause = c.getDuration(FD + "acceptable-heartbeat-pause");
    Duration interval = c.getDuration(FD + "heartbeat-interval");
    Duration detection = pause.plus(interval);
    // Two heartbeats of margin: a node that paused just past the acceptable pause is seen again
    // within a heartbeat or two, and must not be downed before that.
    Duration minStable = pause.plus(interval.multipliedBy(2));
    String stableKey = SBR + "stable-after";
    if (stable.compareTo(minStable) < 0) {
      out.add(new Finding(Severity.ERROR, stableKey,
          "stable-after " + fmt(stable) + " is shorter than the failure detector's "
              + "acceptable-heartbeat-pause " + fmt(pause) + " plus two heartbeat-intervals ("
              + fmt(minStable) + "): a node that only paused (GC, a busy machine) is downed before "
              + "it can be seen again, and its books fail over for nothing.",
          "set stable-after to at least " + fmt(minStable) + " (base.conf: 7s), or shorten "
              + FD + "acceptable-heartbeat-pause."));
    } else if (stable.compareTo(FAILOVER_TARGET) > 0) {
      out.add(new Finding(Severity.WARNING, stableKey,
          "stable-after " + fmt(stable) + ": books of a crashed node wait longer than arrowhead's "
              + "30 s requirement before they are started elsewhere.",
          "use 7s (base.conf) for clusters of 1-5 nodes."));
    }

    String marginKey = CLUSTER + "down-removal-margin";
    Duration margin = isOff(c, marginKey) ? stable : c.getDuration(marginKey);
    if (!isOff(c, marginKey) && margin.compareTo(FAILOVER_TARGET) > 0) {
      out.add(new Finding(Severity.WARNING, marginKey,
          "down-removal-margin " + fmt(margin) + ": shards of a downed node are re-created only "
              + "after it, longer than arrowhead's 30 s requirement.",
          "use 1s (base.conf): epoch fencing, not this margin, keeps a book on a downed node "
              + "from getting orders acknowledged."));
    }

    Duration total = detection.plus(stable).plus(margin);
    if (total.compareTo(FAILOVER_TARGET) > 0
        && stable.compareTo(FAILOVER_TARGET) <= 0 && margin.compareTo(FAILOVER_TARGET) <= 0) {
      out.add(new Finding(Severity.WARNING, stableKey,
          "a book of a crashed node is started elsewhere only after about " + fmt(total)
              + " (detection " + fmt(detection) + " + stable-after " + fmt(stable)
              + " + down-removal-margin " + fmt(margin) + "), beyond arrowhead's 30 s requirement.",
          "use stable-after = 7s and down-removal-margin = 1s (base.conf), and the failure "
              + "detector defaults (heartbeat-interval 1s, acceptable-heartbeat-pause 3s)."));
    }

    String unstableKey = SBR + "down-all-when-unstable";
    if (isOff(c, unstableKey)) {
      out.add(new Finding(Severity.WARNING, unstableKey,
          "down-all-when-unstable = off: while reachability keeps flapping the resolver keeps "
              + "postponing its decision, and books on an unreachable node stay unavailable for as "
              + "long.",
          "set it to on (base.conf)."));
    }
  }

  private static void checkLegacyPrimaries(Config c, List<Finding> out) {
    String key = io.kabuto.book.LegacyPrimaries.KEY;
    if (c.hasPath(key) && !c.getStringList(key).isEmpty()) {
      out.add(new Finding(Severity.ERROR, key, "this node runs the books of " + c.getStringList(key)
          + " itself, outside cluster sharding: a second primary next to the cluster's own (FXTF "
          + "2014-12's auto-restarted main server); only epoch fencing keeps their writes apart.",
          "remove " + key + " (it exists to replay that incident)."));
    }
  }

  private static void checkPassivation(Config c, List<Finding> out) {
    if (c.getBoolean(SHARDING + "remember-entities")) {
      return; // Pekko disables passivation when entities are remembered
    }
    String strategyKey = SHARDING + "passivation.strategy";
    String strategy = c.getString(strategyKey).trim().toLowerCase(Locale.ROOT);
    String problem = "order books are passivated when idle; the next order to a book then waits for "
        + "its whole recovery (a fencing round, repair and replay), and after the lunch break every "
        + "book recovers at once, at the afternoon open.";
    if (!strategy.equals("none") && !strategy.equals("off")) {
      out.add(new Finding(Severity.WARNING, strategyKey, "strategy " + strategy + ": " + problem,
          "set passivation.strategy = none (base.conf): Kabuto books must not passivate."));
    }
    String oldKey = SHARDING + "passivate-idle-entity-after";
    if (c.hasPath(oldKey) && !isOff(c, oldKey) && !c.getDuration(oldKey).isZero()) {
      out.add(new Finding(Severity.WARNING, oldKey, "set to " + fmt(c.getDuration(oldKey)) + ": " + problem,
          "remove it (deprecated) and keep passivation.strategy = none (base.conf)."));
    }
  }

  private static void checkStorage(Config c, List<Finding> out) {
    StorageSettings settings;
    try {
      settings = StorageSettings.fromConfig(c);
    } catch (IllegalArgumentException | ConfigException e) {
      out.add(new Finding(Severity.ERROR, "kabuto.storage",
          "invalid storage settings, storage nodes refuse to start and books cannot journal: "
              + e.getMessage(),
          "correct the setting named above (defaults: kabuto-persistence's reference.conf)."));
      return;
    }
    for (StorageAudit.Finding f : StorageAudit.check(settings)) {
      out.add(new Finding(Severity.valueOf(f.severity().name()), f.key(), f.problem(), f.fix()));
    }
  }

  /**
   * The number of nodes (with {@code role}, if not empty) the cluster is meant to have: from the
   * topology if one is layered in, else {@code kabuto.cluster.expected-size} (role-less only).
   */
  private static OptionalInt clusterSize(Config c, String role) {
    if (c.hasPath("kabuto.topology.nodes")) {
      int n = 0;
      for (Config node : c.getConfigList("kabuto.topology.nodes")) {
        List<String> roles = node.hasPath("roles") ? node.getStringList("roles") : NodeConfig.VALID_ROLES;
        if (role.isEmpty() || roles.contains(role)) {
          n++;
        }
      }
      return OptionalInt.of(n);
    }
    if (role.isEmpty() && c.hasPath("kabuto.cluster.expected-size")) {
      return OptionalInt.of(c.getInt("kabuto.cluster.expected-size"));
    }
    return OptionalInt.empty();
  }

  /** Pekko's on/off/duration values: true when the value is the word off (or false). */
  private static boolean isOff(Config c, String key) {
    if (!c.hasPath(key)) {
      return false;
    }
    if (c.getValue(key).valueType() == ConfigValueType.BOOLEAN) {
      return !c.getBoolean(key);
    }
    String v = c.getString(key).trim().toLowerCase(Locale.ROOT);
    return v.equals("off") || v.equals("false") || v.equals("no");
  }

  private static String fmt(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }
}
