package io.kabuto.book;

import io.kabuto.book.OrderBook.Accepted;
import io.kabuto.book.OrderBook.CancelOrder;
import io.kabuto.book.OrderBook.EventData;
import io.kabuto.book.OrderBook.ModifyOrder;
import io.kabuto.book.OrderBook.PlaceOrder;
import io.kabuto.book.OrderBook.Rejected;
import io.kabuto.book.OrderBook.Response;
import io.kabuto.marketdata.MarketDataMessage;
import io.kabuto.matching.EventType;
import io.kabuto.matching.OrderType;
import io.kabuto.matching.Phase;
import io.kabuto.matching.Reject;
import io.kabuto.matching.SelfTradePrevention;
import io.kabuto.matching.Side;
import io.kabuto.matching.TimeInForce;
import io.kabuto.wire.WireIn;
import io.kabuto.wire.WireOut;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * The order path's messages between nodes in binary ({@link WireOut}): the orders, cancels and
 * replaces a gateway sends a book, the book's answers, the executions it publishes to their
 * owners and its market data. These are several messages per order; in Jackson CBOR (field
 * names, reflection, the reply-to ref parsed as a string every time) they took a third of every
 * node's CPU. A gateway node's orders for one book travel together ({@link
 * OrderBook.OrderBatch}, {@link OrderBook.BatchAnswer}). The journal's {@link OrderBook.Applied}
 * events are written in this form too (journals written before, in Jackson CBOR, still replay:
 * each stored event names its serializer). Enum constants go by ordinal, as in the journal ({@link EventData}): the core
 * enums' order is part of both formats. Everything else of the book stays Jackson CBOR.
 */
public final class BookWireSerializer extends io.kabuto.wire.WireSerializer {
  private static final String PLACE = "P1";
  private static final String CANCEL = "C1";
  private static final String MODIFY = "M1";
  private static final String ACCEPTED = "A1";
  private static final String REJECTED = "R1";
  private static final String EXECUTION = "X1";
  private static final String MARKET_DATA = "D1";
  private static final String ORDER_BATCH = "B1";
  private static final String BATCH_ANSWER = "Q1";
  /** The journal's book event: one per command, a whole write's worth per journal write. */
  private static final String APPLIED = "E1";
  /** A book's snapshot (see {@link BookSnapshotWire}). */
  private static final String SNAPSHOT = "S1";

  private static final EventType[] EVENT_TYPES = EventType.values();
  private static final Side[] SIDES = Side.values();
  private static final OrderType[] ORDER_TYPES = OrderType.values();
  private static final TimeInForce[] TIFS = TimeInForce.values();
  private static final SelfTradePrevention[] STPS = SelfTradePrevention.values();
  private static final Reject[] REJECTS = Reject.values();
  private static final Phase[] PHASES = Phase.values();
  private static final MarketDataMessage.Kind[] KINDS = MarketDataMessage.Kind.values();

  public BookWireSerializer(ExtendedActorSystem system) {
    super(system);
  }

  @Override
  public int identifier() {
    return 7302;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof PlaceOrder) return PLACE;
    if (o instanceof CancelOrder) return CANCEL;
    if (o instanceof ModifyOrder) return MODIFY;
    if (o instanceof Accepted) return ACCEPTED;
    if (o instanceof Rejected) return REJECTED;
    if (o instanceof BookTopics.OwnExecution) return EXECUTION;
    if (o instanceof MarketDataMessage) return MARKET_DATA;
    if (o instanceof OrderBook.OrderBatch) return ORDER_BATCH;
    if (o instanceof OrderBook.BatchAnswer) return BATCH_ANSWER;
    if (o instanceof OrderBook.Applied) return APPLIED;
    if (o instanceof OrderBook.Snapshot) return SNAPSHOT;
    throw new IllegalArgumentException("BookWireSerializer cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof PlaceOrder p) {
      return new WireOut(64).varLong(p.orderId()).varInt(p.participant()).ordinal(p.side())
          .ordinal(p.type()).ordinal(p.tif()).varLong(p.price()).varLong(p.qty())
          .ordinal(p.stp()).varLong(p.time()).str(ref(p.replyTo())).toBytes();
    }
    if (o instanceof CancelOrder c) {
      return new WireOut(48).varLong(c.orderId()).varInt(c.participant()).varLong(c.time())
          .str(ref(c.replyTo())).toBytes();
    }
    if (o instanceof ModifyOrder m) {
      return new WireOut(64).varLong(m.orderId()).varInt(m.participant()).varLong(m.newPrice())
          .varLong(m.newQty()).varLong(m.time()).str(ref(m.replyTo())).toBytes();
    }
    if (o instanceof Accepted a) {
      WireOut w = new WireOut(16 + 48 * a.events().size()).varLong(a.orderId());
      events(w, a.events());
      return w.toBytes();
    }
    if (o instanceof Rejected r) {
      return new WireOut(64).varLong(r.orderId()).ordinal(r.code()).str(r.reason()).toBytes();
    }
    if (o instanceof BookTopics.OwnExecution x) {
      WireOut w = new WireOut(96).str(x.symbol()).varLong(x.bookSeq()).varInt(x.index())
          .varLong(x.orderId()).varInt(x.participant()).bool(x.event() != null);
      if (x.event() != null) {
        event(w, x.event());
      }
      return w.str(x.bustReason()).toBytes();
    }
    if (o instanceof MarketDataMessage m) {
      return marketData(new WireOut(96), m).toBytes();
    }
    if (o instanceof OrderBook.Snapshot s) {
      return BookSnapshotWire.write(s);
    }
    if (o instanceof OrderBook.Applied a) {
      WireOut w = new WireOut(16 + 48 * a.events().size()).varLong(a.seq());
      events(w, a.events());
      return w.toBytes();
    }
    if (o instanceof OrderBook.OrderBatch b) {
      WireOut w = new WireOut(32 + 40 * b.commands().size()).varLong(b.id())
          .varInt(b.commands().size());
      for (OrderBook.Command c : b.commands()) {
        batched(w, c);
      }
      return w.str(ref(b.replyTo())).toBytes();
    }
    if (o instanceof OrderBook.BatchAnswer a) {
      WireOut w = new WireOut(32 + 64 * a.answers().size()).varLong(a.id())
          .varInt(a.answers().size());
      for (Response r : a.answers()) {
        answer(w, r);
      }
      return w.toBytes();
    }
    throw new IllegalArgumentException("BookWireSerializer cannot serialize " + o.getClass());
  }

  /** One command of an OrderBatch: a tag, then its fields; its replyTo is the batch's. */
  private static void batched(WireOut w, OrderBook.Command c) {
    if (c instanceof PlaceOrder p) {
      w.varInt(1).varLong(p.orderId()).varInt(p.participant()).ordinal(p.side())
          .ordinal(p.type()).ordinal(p.tif()).varLong(p.price()).varLong(p.qty())
          .ordinal(p.stp()).varLong(p.time());
    } else if (c instanceof CancelOrder x) {
      w.varInt(2).varLong(x.orderId()).varInt(x.participant()).varLong(x.time());
    } else if (c instanceof ModifyOrder m) {
      w.varInt(3).varLong(m.orderId()).varInt(m.participant()).varLong(m.newPrice())
          .varLong(m.newQty()).varLong(m.time());
    } else {
      throw new IllegalArgumentException("not in an order batch: " + c.getClass());
    }
  }

  private static OrderBook.Command batched(WireIn in) {
    int tag = in.varInt();
    return switch (tag) {
      case 1 -> new PlaceOrder(in.varLong(), in.varInt(), in.ordinal(SIDES),
          in.ordinal(ORDER_TYPES), in.ordinal(TIFS), in.varLong(), in.varLong(), in.ordinal(STPS),
          in.varLong(), null);
      case 2 -> new CancelOrder(in.varLong(), in.varInt(), in.varLong(), null);
      case 3 -> new ModifyOrder(in.varLong(), in.varInt(), in.varLong(), in.varLong(),
          in.varLong(), null);
      default -> throw new IllegalArgumentException("corrupt order batch: command tag " + tag);
    };
  }

  /**
   * One answer of a BatchAnswer: 0 none, 1 Accepted, 2 Rejected, 3 any other response in its own
   * serializer's form (the book answers orders with Accepted or Rejected; 3 keeps that an
   * assumption of speed, not of correctness).
   */
  private void answer(WireOut w, Response r) {
    if (r == null) {
      w.varInt(0);
    } else if (r instanceof Accepted a) {
      w.varInt(1).varLong(a.orderId());
      events(w, a.events());
    } else if (r instanceof Rejected x) {
      w.varInt(2).varLong(x.orderId()).ordinal(x.code()).str(x.reason());
    } else {
      org.apache.pekko.serialization.Serialization ser =
          org.apache.pekko.serialization.SerializationExtension.get(system);
      org.apache.pekko.serialization.Serializer s = ser.findSerializerFor(r);
      w.varInt(3).varInt(s.identifier())
          .str(org.apache.pekko.serialization.Serializers.manifestFor(s, r)).bytes(s.toBinary(r));
    }
  }

  private Response answer(WireIn in) {
    int tag = in.varInt();
    return switch (tag) {
      case 0 -> null;
      case 1 -> new Accepted(in.varLong(), events(in));
      case 2 -> new Rejected(in.varLong(), in.ordinal(REJECTS), in.str());
      case 3 -> {
        int id = in.varInt();
        String manifest = in.str();
        byte[] bytes = in.bytes();
        yield (Response) org.apache.pekko.serialization.SerializationExtension.get(system)
            .deserialize(bytes, id, manifest).get();
      }
      default -> throw new IllegalArgumentException("corrupt batch answer: answer tag " + tag);
    };
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    WireIn in = new WireIn(bytes);
    Object o = switch (manifest) {
      case PLACE -> new PlaceOrder(in.varLong(), in.varInt(), in.ordinal(SIDES),
          in.ordinal(ORDER_TYPES), in.ordinal(TIFS), in.varLong(), in.varLong(), in.ordinal(STPS),
          in.varLong(), resolve(in.str()));
      case CANCEL -> new CancelOrder(in.varLong(), in.varInt(), in.varLong(), resolve(in.str()));
      case MODIFY -> new ModifyOrder(in.varLong(), in.varInt(), in.varLong(), in.varLong(),
          in.varLong(), resolve(in.str()));
      case ACCEPTED -> new Accepted(in.varLong(), events(in));
      case REJECTED -> new Rejected(in.varLong(), in.ordinal(REJECTS), in.str());
      case EXECUTION -> new BookTopics.OwnExecution(in.str(), in.varLong(), in.varInt(),
          in.varLong(), in.varInt(), in.bool() ? event(in) : null, in.str());
      case MARKET_DATA -> marketData(in);
      case SNAPSHOT -> BookSnapshotWire.read(in);
      case APPLIED -> new OrderBook.Applied(in.varLong(), events(in));
      case ORDER_BATCH -> {
        long id = in.varLong();
        int n = count(in);
        List<OrderBook.Command> commands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          commands.add(batched(in));
        }
        yield new OrderBook.OrderBatch(id, commands, resolve(in.str()));
      }
      case BATCH_ANSWER -> {
        long id = in.varLong();
        int n = count(in);
        List<Response> answers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          answers.add(answer(in));
        }
        yield new OrderBook.BatchAnswer(id, java.util.Collections.unmodifiableList(answers));
      }
      default -> throw WireIn.unknown("BookWireSerializer", manifest);
    };
    in.end();
    return o;
  }

  static int count(WireIn in) {
    int n = in.varInt();
    if (n < 0 || n > 1_000_000) {
      throw new IllegalArgumentException("corrupt message: " + n + " items");
    }
    return n;
  }

  static WireOut marketData(WireOut w, MarketDataMessage m) {
    return w.str(m.symbol()).varLong(m.seq()).ordinal(m.kind()).varLong(m.time())
        .varLong(m.bookSeq()).varLong(m.tradeId()).varLong(m.price()).varLong(m.qty())
        .ordinal(m.aggressor()).varLong(m.bidPrice()).varLong(m.bidQty())
        .varLong(m.askPrice()).varLong(m.askQty()).ordinal(m.phase()).bool(m.halted())
        .str(m.text());
  }

  static MarketDataMessage marketData(WireIn in) {
    return new MarketDataMessage(in.str(), in.varLong(), in.ordinal(KINDS),
        in.varLong(), in.varLong(), in.varLong(), in.varLong(), in.varLong(), in.ordinal(SIDES),
        in.varLong(), in.varLong(), in.varLong(), in.varLong(), in.ordinal(PHASES), in.bool(),
        in.str());
  }

  static void events(WireOut w, List<EventData> events) {
    w.varInt(events.size());
    for (EventData e : events) {
      event(w, e);
    }
  }

  static void event(WireOut w, EventData e) {
    w.ordinal(e.type()).varLong(e.time()).varLong(e.tradeId()).varLong(e.orderId())
        .varLong(e.otherOrderId()).varInt(e.participant()).varInt(e.otherParticipant())
        .varInt(e.side()).varInt(e.orderType()).varInt(e.tif()).varLong(e.price())
        .varLong(e.price2()).varLong(e.qty()).varLong(e.leaves()).varLong(e.otherLeaves())
        .varInt(e.code()).varLong(e.aux());
  }

  static List<EventData> events(WireIn in) {
    int n = count(in);
    List<EventData> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(event(in));
    }
    return List.copyOf(events);
  }

  static EventData event(WireIn in) {
    return new EventData(in.ordinal(EVENT_TYPES), in.varLong(), in.varLong(), in.varLong(),
        in.varLong(), in.varInt(), in.varInt(), in.varInt(), in.varInt(), in.varInt(),
        in.varLong(), in.varLong(), in.varLong(), in.varLong(), in.varLong(), in.varInt(),
        in.varLong());
  }
}
