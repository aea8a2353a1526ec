package io.kabuto.persistence.node;

import io.kabuto.persistence.store.FsyncPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Audits {@code kabuto.storage} for settings that lose acknowledged data, allow two writers, or
 * disable or slow down storage failover, each with the reason and the fix. Nodes log it at start;
 * {@code ./kabuto config check} prints it.
 */
public final class StorageAudit {
  private StorageAudit() {}

  public enum Severity { ERROR, WARNING }

  public record Finding(Severity severity, String key, String problem, String fix) {
    @Override
    public String toString() {
      return severity + " " + key + ": " + problem + " Fix: " + fix;
    }
  }

  public static List<Finding> check(StorageSettings s) {
    List<Finding> out = new ArrayList<>();
    if (!s.fencing()) {
      out.add(new Finding(Severity.ERROR, "kabuto.storage.fencing",
          "fencing is off: a stale incarnation of a book (a zombie, the other side of a split "
              + "brain, an auto-restarted primary) can keep writing next to the new one, and the "
              + "two histories interleave (the FXTF dual-active servers of 2014).",
          "remove the setting (default on); `off` exists only to replay that incident."));
    }
    if (s.fsync() == FsyncPolicy.OFF) {
      out.add(new Finding(Severity.ERROR, "kabuto.storage.fsync",
          "fsync is off: an acknowledged order is only in the page cache; a power loss on a "
              + "majority of storage nodes loses it.",
          "set fsync = always (default); group commit keeps it cheap."));
    }
    int n = s.replicas().size();
    if (!s.legacyMode()) {
      if (n < 3) {
        out.add(new Finding(n == 1 ? Severity.WARNING : Severity.ERROR, "kabuto.storage.replicas",
            n + " replica(s) " + s.replicas() + ": " + (n == 1
                ? "no redundancy; the loss of the one storage node loses the journal (fine for "
                    + "a one-node demo, not for a cluster)."
                : "a majority of 2 is both, so the loss of either storage node stops all writes."),
            "run 3 storage nodes and list all three in kabuto.storage.replicas on every node."));
      } else if (n % 2 == 0) {
        out.add(new Finding(Severity.WARNING, "kabuto.storage.replicas",
            n + " replicas tolerate no more failures than " + (n - 1) + " and need a larger "
                + "majority.",
            "use an odd number of replicas (3 or 5)."));
      }
    } else {
      LegacySettings l = s.legacy();
      if (!l.onPanic()) {
        out.add(new Finding(Severity.ERROR, "kabuto.storage.legacy.on-panic",
            "on-panic = off: a primary that announces its own failure is not taken over at once.",
            "set on-panic = on (default)."));
      }
      if (!l.onPanic() && l.panicSuppressesStandard()) {
        out.add(new Finding(Severity.ERROR, "kabuto.storage.legacy.panic-suppresses-standard",
            "with on-panic = off, a panic notice also disables the standard takeover: nobody takes "
                + "over and every write stalls (TSE arrowhead, 2020-10-01).",
            "set panic-suppresses-standard = off (default) or on-panic = on."));
      }
      if (l.takeoverAfter().compareTo(Duration.ofSeconds(30)) > 0) {
        out.add(new Finding(Severity.WARNING, "kabuto.storage.legacy.takeover-after",
            "takeover after " + l.takeoverAfter() + ": longer than arrowhead's 30 s requirement.",
            "use 15s (default) or less."));
      }
      out.add(new Finding(Severity.WARNING, "kabuto.storage.mode",
          "legacy primary/backup mode: a partitioned pair can run two primaries, and the pair "
              + "survives one failure only if its takeover works.",
          "use mode = quorum (default) with 3 replicas; legacy exists to replay arrowhead."));
    }
    if (s.requestTimeout().compareTo(Duration.ofSeconds(10)) > 0) {
      out.add(new Finding(Severity.WARNING, "kabuto.storage.request-timeout",
          "a write waits " + s.requestTimeout() + " for a majority before it fails: books stall "
              + "that long when storage is lost.",
          "use 3s (default)."));
    }
    return out;
  }

  /** Logs every finding (errors as ERROR) and returns how many errors there were. */
  public static int log(StorageSettings s, Logger log) {
    int errors = 0;
    for (Finding f : check(s)) {
      if (f.severity() == Severity.ERROR) {
        errors++;
        log.error("config audit: {}", f);
      } else {
        log.warn("config audit: {}", f);
      }
    }
    return errors;
  }
}
