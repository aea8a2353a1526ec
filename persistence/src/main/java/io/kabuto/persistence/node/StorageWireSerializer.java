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

/**
 * The journal's hot messages in binary ({@link WireOut}): the writes of a node's books go to each
 * replica as one {@link StorageNode.AppendBatch} per round (a lone {@link StorageNode.Append} on
 * other paths), answered by one {@link StorageProtocol.AppendBatchReply} ({@link AppendReply}). The entries' payloads
 * (Pekko's serialized {@code PersistentRepr}s) pass through as they are, not wrapped again.
 * Everything else between journals and storage nodes stays Jackson CBOR.
 */
public final class StorageWireSerializer extends io.kabuto.wire.WireSerializer {
  private static final String APPEND = "A1";
  private static final String APPEND_REPLY = "R1";
  private static final String APPEND_BATCH = "B1";
  private static final String APPEND_BATCH_REPLY = "Q1";

  public StorageWireSerializer(ExtendedActorSystem system) {
    super(system);
  }

  @Override
  public int identifier() {
    return 7301;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof StorageNode.Append) {
      return APPEND;
    }
    if (o instanceof AppendReply) {
      return APPEND_REPLY;
    }
    if (o instanceof StorageNode.AppendBatch) {
      return APPEND_BATCH;
    }
    if (o instanceof StorageProtocol.AppendBatchReply) {
      return APPEND_BATCH_REPLY;
    }
    throw new IllegalArgumentException("StorageWireSerializer cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof StorageNode.Append a) {
      WireOut w = new WireOut(size(a));
      append(w, a);
      return w.str(ref(a.replyTo()))
          .toBytes();
    }
    if (o instanceof AppendReply r) {
      WireOut w = new WireOut(64);
      reply(w, r);
      return w.toBytes();
    }
    if (o instanceof StorageNode.AppendBatch b) {
      int size = 64;
      for (StorageNode.Append a : b.appends()) {
        size += size(a);
      }
      WireOut w = new WireOut(size).varInt(b.appends().size());
      for (StorageNode.Append a : b.appends()) {
        append(w, a);
      }
      return w.str(ref(b.replyTo()))
          .toBytes();
    }
    if (o instanceof StorageProtocol.AppendBatchReply b) {
      WireOut w = new WireOut(32 + 48 * b.replies().size()).str(b.replicaId())
          .varInt(b.replies().size());
      for (AppendReply r : b.replies()) {
        reply(w, r);
      }
      return w.toBytes();
    }
    throw new IllegalArgumentException("StorageWireSerializer cannot serialize " + o.getClass());
  }

  private static int size(StorageNode.Append a) {
    int size = 64 + a.pid().length();
    for (Entry e : a.entries()) {
      size += e.payload().length + 24;
    }
    return size;
  }

  /** An append without its replyTo (an AppendBatch's appends have none of their own). */
  private static void append(WireOut w, StorageNode.Append a) {
    w.str(a.pid()).varLong(a.epoch()).varInt(a.entries().size());
    for (Entry e : a.entries()) {
      w.varLong(e.seqNr()).varLong(e.epoch()).bytes(e.payload());
    }
    w.varLong(a.mirrorGeneration()).bool(a.endsLog());
  }

  private static StorageNode.Append append(WireIn in, ActorRef<AppendReply> replyTo) {
    String pid = in.str();
    long epoch = in.varLong();
    int n = count(in);
    List<Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new Entry(in.varLong(), in.varLong(), in.bytes()));
    }
    long mirror = in.varLong();
    boolean endsLog = in.bool();
    return new StorageNode.Append(pid, epoch, entries, mirror, endsLog, replyTo);
  }

  private static void reply(WireOut w, AppendReply r) {
    w.str(r.replicaId()).str(r.pid()).ordinal(r.outcome()).varLong(r.epoch())
        .varLong(r.promisedEpoch()).varLong(r.highestSeqNr()).str(r.error());
  }

  private static AppendReply reply(WireIn in) {
    return new AppendReply(in.str(), in.str(), in.ordinal(Outcome.values()), in.varLong(),
        in.varLong(), in.varLong(), in.str());
  }

  private static int count(WireIn in) {
    int n = in.varInt();
    if (n < 0 || n > 1_000_000) {
      throw new IllegalArgumentException("corrupt message: " + n + " items");
    }
    return n;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    WireIn in = new WireIn(bytes);
    Object o;
    switch (manifest) {
      case APPEND -> {
        StorageNode.Append a = append(in, null);
        String ref = in.str();
        o = ref == null ? a : new StorageNode.Append(a.pid(), a.epoch(), a.entries(),
            a.mirrorGeneration(), a.endsLog(), resolve(ref));
      }
      case APPEND_REPLY -> o = reply(in);
      case APPEND_BATCH -> {
        int n = count(in);
        List<StorageNode.Append> appends = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          appends.add(append(in, null));
        }
        String ref = in.str();
        o = new StorageNode.AppendBatch(appends,
            resolve(ref));
      }
      case APPEND_BATCH_REPLY -> {
        String replica = in.str();
        int n = count(in);
        List<AppendReply> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          replies.add(reply(in));
        }
        o = new StorageProtocol.AppendBatchReply(replica, replies);
      }
      default -> throw WireIn.unknown("StorageWireSerializer", manifest);
    }
    in.end();
    return o;
  }
}
