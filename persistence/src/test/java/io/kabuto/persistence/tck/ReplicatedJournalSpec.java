package io.kabuto.persistence.tck;

import java.nio.file.Path;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;

/** Pekko's journal TCK against the replicated journal with 3 storage replicas. */
public class ReplicatedJournalSpec extends JavaJournalSpec {
  private Path root;

  public ReplicatedJournalSpec() {
    super(TckStorage.config());
  }

  @Override
  public void beforeAll() {
    root = TckStorage.newRoot();
    TckStorage.start(system(), root);
    super.beforeAll();
  }

  @Override
  public void afterAll() {
    super.afterAll();
    TckStorage.delete(root);
  }

  @Override
  public CapabilityFlag supportsRejectingNonSerializableObjects() {
    return CapabilityFlag.on();
  }

  @Override
  public CapabilityFlag supportsSerialization() {
    return CapabilityFlag.on();
  }

  @Override
  public CapabilityFlag supportsMetadata() {
    return CapabilityFlag.on();
  }
}
