package io.kabuto.persistence.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageAuditTest {

  private static List<StorageAudit.Finding> audit(String hocon) {
    return StorageAudit.check(StorageSettings.fromConfig(ConfigFactory.parseString(
        "kabuto.storage { replica-id = a, replicas = [a, b, c], dir = x }\n" + hocon)
        .withFallback(ConfigFactory.load()).resolve()));
  }

  private static boolean flags(List<StorageAudit.Finding> f, StorageAudit.Severity s, String key) {
    return f.stream().anyMatch(x -> x.severity() == s && x.key().equals(key));
  }

  @Test
  void safe_defaults_with_three_replicas_have_no_findings() {
    assertEquals(List.of(), audit(""));
  }

  @Test
  void fencing_off_and_fsync_off_are_errors() {
    var f = audit("kabuto.storage { fencing = off, fsync = off }");
    assertTrue(flags(f, StorageAudit.Severity.ERROR, "kabuto.storage.fencing"), f.toString());
    assertTrue(flags(f, StorageAudit.Severity.ERROR, "kabuto.storage.fsync"), f.toString());
  }

  @Test
  void too_few_or_even_replicas_are_flagged() {
    assertTrue(flags(audit("kabuto.storage.replicas = [a, b]"), StorageAudit.Severity.ERROR,
        "kabuto.storage.replicas"));
    assertTrue(flags(audit("kabuto.storage.replicas = [a]"), StorageAudit.Severity.WARNING,
        "kabuto.storage.replicas"));
    assertTrue(flags(audit("kabuto.storage.replicas = [a, b, c, d]"),
        StorageAudit.Severity.WARNING, "kabuto.storage.replicas"));
  }

  @Test
  void the_2020_legacy_settings_are_errors() {
    var f = audit("kabuto.storage { replicas = [a, b], mode = legacy, legacy { primary = a,"
        + " on-panic = off, panic-suppresses-standard = on } }");
    assertTrue(flags(f, StorageAudit.Severity.ERROR, "kabuto.storage.legacy.on-panic"));
    assertTrue(flags(f, StorageAudit.Severity.ERROR,
        "kabuto.storage.legacy.panic-suppresses-standard"));
  }
}
