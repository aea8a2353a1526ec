package io.kabuto.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kabuto.persistence.node.StorageProtocol.StatusReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the market supervisor's "storage quorum lost" rule sees a quorum. */
class StorageHealthTest {

  private static StatusReply replica(String id, boolean active, String fault) {
    return new StatusReply(id, "uuid-" + id, "VERIFIED", true, true, active, 1, fault, "always",
        0, 0, 0);
  }

  @Test
  void replicated_majority_is_a_quorum_and_a_minority_is_not() {
    var three = List.of("a", "b", "c");
    assertTrue(new StorageReplicas.Health(three, Map.of("a", replica("a", true, "none"),
        "b", replica("b", true, "slow-disk 5ms")), 2).quorumVisible());
    assertFalse(new StorageReplicas.Health(three, Map.of("a", replica("a", true, "none")), 2)
        .quorumVisible());
  }

  @Test
  void a_full_disk_takes_no_writes() {
    var three = List.of("a", "b", "c");
    assertFalse(new StorageReplicas.Health(three, Map.of("a", replica("a", true, "none"),
        "b", replica("b", true, "full-disk")), 2).quorumVisible());
  }

  @Test
  void a_legacy_standby_alone_is_not_a_quorum() {
    var pair = List.of("primary", "standby");
    // 2020-10-01: the primary hangs (not seen), the standby answers but never takes over.
    assertFalse(new StorageReplicas.Health(pair, Map.of("standby", replica("standby", false,
        "none")), 1).quorumVisible());
    assertTrue(new StorageReplicas.Health(pair, Map.of("standby", replica("standby", true,
        "none")), 1).quorumVisible(), "after a takeover the standby is active");
  }
}
