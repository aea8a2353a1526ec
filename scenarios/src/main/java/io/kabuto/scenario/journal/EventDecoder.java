package io.kabuto.scenario.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * Decodes journal payloads exactly as the journal plugin does ({@code ReplicatedJournal} stores
 * Pekko's serialization of each {@link PersistentRepr}; the events inside are Jackson CBOR through
 * {@code io.kabuto.CborSerializable}). A local actor system carries the serializers: no cluster,
 * no remoting, nothing bound.
 */
public final class EventDecoder implements AutoCloseable {
  private final ActorSystem system;
  private final Serialization serialization;

  public EventDecoder() {
    Config c = ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.actor.serialization-bindings { "io.kabuto.CborSerializable" = jackson-cbor }
        pekko.loglevel = WARNING
        pekko.stdout-loglevel = WARNING
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """).withFallback(ConfigFactory.load());
    system = ActorSystem.create("journal-reader", c);
    serialization = SerializationExtension.get(system);
  }

  /** The stored entry's PersistentRepr. */
  public PersistentRepr decode(byte[] payload) {
    return serialization.deserialize(payload, PersistentRepr.class).get();
  }

  @Override
  public void close() {
    system.terminate();
    try {
      scala.concurrent.Await.result(system.whenTerminated(), scala.concurrent.duration.Duration.create(10, "s"));
    } catch (Exception e) {
      // the reader's result does not depend on a clean shutdown
    }
  }
}
