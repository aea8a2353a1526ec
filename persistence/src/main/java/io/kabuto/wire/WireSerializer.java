package io.kabuto.wire;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * What the binary serializers of the hot messages share: the actor system, and actor refs as
 * their string form (resolved lazily: a serializer is made before the typed system is ready).
 */
public abstract class WireSerializer extends SerializerWithStringManifest {
  protected final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  protected WireSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  /** {@code ref} as a string, or null. */
  protected String ref(ActorRef<?> ref) {
    return ref == null ? null : resolver().toSerializationFormat(ref);
  }

  /** The ref {@link #ref} wrote, or null. */
  protected <T> ActorRef<T> resolve(String ref) {
    return ref == null ? null : resolver().resolveActorRef(ref);
  }
}
