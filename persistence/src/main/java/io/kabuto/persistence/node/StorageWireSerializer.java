package io.kabuto.persistence.node;

import io.kabuto.persistence.node.StorageProtocol.AppendReply;
import io.kabuto.persistence.node.StorageProtocol.Entry;
import io.kabuto.persistence.node.StorageProtocol.Outcome;
import io.kabuto.wire.WireIn;
import io.kabuto.wire.WireOut;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The journal's hot messages in binary ({@link WireOut}): every journal write is one {@link
 * StorageNode.Append} to each replica and one {@link AppendReply} back. The entries' payloads
 * (Pekko's serialized {@code PersistentRepr}s) pass through as they are, not wrapped again.
 * Everything else between journals and storage nodes stays Jackson CBOR.
 */
public final class StorageWireSerializer extends SerializerWithStringManifest {
  private static final String APPEND = "A1";
  private static final String APPEND_REPLY = "R1";

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  public StorageWireSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 7301;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof StorageNode.Append) {
      return APPEND;
    }
    if (o instanceof AppendReply) {
      return APPEND_REPLY;
    }
    throw new IllegalArgumentException("StorageWireSerializer cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof StorageNode.Append a) {
      int size = 64 + a.pid().length();
      for (Entry e : a.entries()) {
        size += e.payload().length + 24;
      }
      WireOut w = new WireOut(size).str(a.pid()).varLong(a.epoch()).varInt(a.entries().size());
      for (Entry e : a.entries()) {
        w.varLong(e.seqNr()).varLong(e.epoch()).bytes(e.payload());
      }
      return w.varLong(a.mirrorGeneration()).bool(a.endsLog())
          .str(a.replyTo() == null ? null : resolver().toSerializationFormat(a.replyTo()))
          .toBytes();
    }
    if (o instanceof AppendReply r) {
      return new WireOut(64).str(r.replicaId()).str(r.pid()).ordinal(r.outcome())
          .varLong(r.epoch()).varLong(r.promisedEpoch()).varLong(r.highestSeqNr())
          .str(r.error()).toBytes();
    }
    throw new IllegalArgumentException("StorageWireSerializer cannot serialize " + o.getClass());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    WireIn in = new WireIn(bytes);
    Object o;
    switch (manifest) {
      case APPEND -> {
        String pid = in.str();
        long epoch = in.varLong();
        int n = in.varInt();
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          entries.add(new Entry(in.varLong(), in.varLong(), in.bytes()));
        }
        long mirror = in.varLong();
        boolean endsLog = in.bool();
        String ref = in.str();
        ActorRef<AppendReply> replyTo = ref == null ? null : resolver().resolveActorRef(ref);
        o = new StorageNode.Append(pid, epoch, entries, mirror, endsLog, replyTo);
      }
      case APPEND_REPLY -> o = new AppendReply(in.str(), in.str(), in.ordinal(Outcome.values()),
          in.varLong(), in.varLong(), in.varLong(), in.str());
      default -> throw WireIn.unknown("StorageWireSerializer", manifest);
    }
    in.end();
    return o;
  }
}
