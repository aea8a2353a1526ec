package io.kabuto.persistence.tck;

import java.nio.file.Path;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;

/** Pekko's snapshot store TCK against the replicated snapshot store with 3 storage replicas. */
public class ReplicatedSnapshotStoreSpec extends JavaSnapshotStoreSpec {
  private Path root;

  public ReplicatedSnapshotStoreSpec() {
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
  public CapabilityFlag supportsSerialization() {
    return CapabilityFlag.on();
  }

  @Override
  public CapabilityFlag supportsMetadata() {
    return CapabilityFlag.off();
  }
}
