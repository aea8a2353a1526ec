package io.kabuto.gateway.fix;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import quickfix.MessageStore;
import quickfix.SessionID;

/**
 * A FIX session's message store that any gateway node can take over: the node's file store,
 * for speed and for the messages it sent itself, with every change shipped asynchronously to the
 * session's {@link FixSessionLog} in the cluster ({@link StoreShipper}).
 *
 * <ul>
 *   <li><b>What is shipped.</b> With {@code message-store = cluster}, the sequence numbers only:
 *       sending never waits, and the cluster lags by at most the shipper's interval and one
 *       write. With {@code cluster-messages}, every sent message too, and sending waits (up to
 *       {@code wait-for-cluster}) while {@code max-unreplicated} sent messages are
 *       unacknowledged. Either way a node that dies sent at most that many messages beyond what
 *       the cluster has.
 *   <li><b>On logon</b> (QuickFIX/J's RefreshOnLogon) the store compares itself with the
 *       cluster. If this node's copy is behind (another node served the session since), it
 *       takes the cluster's sequence numbers; if the node that served it last did not close the
 *       session cleanly, the sender sequence starts {@code max-unreplicated} further, so it is
 *       never lower than what the broker has seen (which would force a reset): the broker sees a
 *       gap, sends a ResendRequest, and gets the messages the cluster has and a
 *       SequenceReset-GapFill for those it never got. What is lost that way are the last
 *       ExecutionReports of the dead node, at most; an OrderStatusRequest (or a PossDup resend of
 *       the order) gets the orders' state back. Incoming sequence numbers the cluster has not
 *       seen make the broker resend its last messages, which ClOrdID idempotency absorbs.
 *   <li><b>Resends</b> of messages this node does not hold come from the cluster, which keeps
 *       the latest {@code resend-window}; older ones are gap-filled.
 * </ul>
 */
final class ClusterMessageStore implements MessageStore {
  private static final Logger log = LoggerFactory.getLogger(ClusterMessageStore.class);

  private final SessionID sid;
  private final MessageStore local;
  private final EntityRef<FixSessionLog.Command> entity;
  private final ActorRef<Object> shipper;
  private final FixSettings.ClusterStore settings;
  private final org.apache.pekko.actor.typed.ActorSystem<?> system;
  private final Object lock = new Object();
  /** Sent messages shipped and not yet acknowledged by the cluster. */
  private int unacked;
  /** Ship sent messages (cluster-messages), not only the sequence numbers. */
  private final boolean shipMessages;

  ClusterMessageStore(SessionID sid, MessageStore local, EntityRef<FixSessionLog.Command> entity,
      ActorRef<Object> shipper, FixSettings.ClusterStore settings,
      org.apache.pekko.actor.typed.ActorSystem<?> system, boolean shipMessages) {
    this.sid = sid;
    this.shipMessages = shipMessages;
    this.local = local;
    this.entity = entity;
    this.shipper = shipper;
    this.settings = settings;
    this.system = system;
  }

  /** The shipper's callback: {@code n} more messages are in the cluster. */
  void acked(int n) {
    synchronized (lock) {
      unacked = Math.max(0, unacked - n);
      lock.notifyAll();
    }
  }

  @Override
  public boolean set(int sequence, String message) throws IOException {
    boolean ok = local.set(sequence, message);
    if (!shipMessages) {
      return ok; // the sequence numbers go out with incrNextSenderMsgSeqNum
    }
    awaitRoom();
    synchronized (lock) {
      unacked++;
    }
    shipper.tell(new StoreShipper.Sent(sequence, message));
    return ok;
  }

  private void awaitRoom() {
    long deadline = System.nanoTime() + settings.waitForCluster().toNanos();
    synchronized (lock) {
      while (unacked >= settings.maxUnreplicated()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("FIX {}: {} sent messages not acknowledged by the cluster after {}; sending "
              + "on (a takeover by another gateway node may now need a sequence reset)", sid,
              unacked, settings.waitForCluster());
          return;
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void get(int start, int end, Collection<String> messages) throws IOException {
    List<String> mine = new ArrayList<>();
    local.get(start, end, mine);
    TreeMap<Integer, String> bySeq = new TreeMap<>();
    for (String m : mine) {
      int seq = seqOf(m);
      if (seq > 0) {
        bySeq.put(seq, m);
      }
    }
    if (bySeq.size() < end - start + 1) {
      FixSessionLog.Copy copy = ask(start, end);
      if (copy != null) {
        for (FixSessionLog.Sent s : copy.messages()) {
          bySeq.putIfAbsent(s.seq(), s.message());
        }
      }
    }
    messages.addAll(bySeq.values());
  }

  /** MsgSeqNum (34) of a raw message, or 0. */
  static int seqOf(String raw) {
    int i = raw.indexOf("\u000134=");
    if (i < 0) {
      return 0;
    }
    int j = raw.indexOf('\u0001', i + 4);
    try {
      return Integer.parseInt(raw.substring(i + 4, j < 0 ? raw.length() : j));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public int getNextSenderMsgSeqNum() throws IOException {
    return local.getNextSenderMsgSeqNum();
  }

  @Override
  public int getNextTargetMsgSeqNum() throws IOException {
    return local.getNextTargetMsgSeqNum();
  }

  @Override
  public void setNextSenderMsgSeqNum(int next) throws IOException {
    local.setNextSenderMsgSeqNum(next);
    shipSeqs();
  }

  @Override
  public void setNextTargetMsgSeqNum(int next) throws IOException {
    local.setNextTargetMsgSeqNum(next);
    shipSeqs();
  }

  @Override
  public void incrNextSenderMsgSeqNum() throws IOException {
    local.incrNextSenderMsgSeqNum();
    shipSeqs();
  }

  @Override
  public void incrNextTargetMsgSeqNum() throws IOException {
    local.incrNextTargetMsgSeqNum();
    shipSeqs();
  }

  private void shipSeqs() throws IOException {
    shipper.tell(new StoreShipper.Seqs(local.getNextSenderMsgSeqNum(),
        local.getNextTargetMsgSeqNum()));
  }

  @Override
  public Date getCreationTime() throws IOException {
    return local.getCreationTime();
  }

  @Override
  public void reset() throws IOException {
    local.reset();
    synchronized (lock) {
      unacked = 0;
      lock.notifyAll();
    }
    shipper.tell(new StoreShipper.Reset(local.getCreationTime().getTime()));
  }

  /** On logon: catch up with the cluster if another node served the session since. */
  @Override
  public void refresh() throws IOException {
    local.refresh();
    FixSessionLog.Copy c = ask(1, 0);
    if (c == null) {
      log.warn("FIX {}: the cluster's copy of the session is out of reach; going on with this "
          + "node's (sender {}, target {})", sid, local.getNextSenderMsgSeqNum(),
          local.getNextTargetMsgSeqNum());
      return;
    }
    int sender = local.getNextSenderMsgSeqNum();
    int target = local.getNextTargetMsgSeqNum();
    boolean resetSince = c.creationTime() > local.getCreationTime().getTime()
        && c.nextSender() < sender;
    if (resetSince) {
      // The session was reset on another node after this node last served it.
      local.reset();
      sender = 1;
      target = 1;
    }
    boolean mine = StoreShipper.node(system).equals(c.writer());
    // This node's file store is exact for what it sent itself; behind the cluster, or level
    // with it while another node left it uncleanly, it takes the cluster's over.
    if (!mine && (sender < c.nextSender() || (sender == c.nextSender() && !c.clean()))) {
      int from = c.clean() ? c.nextSender() : c.nextSender() + settings.maxUnreplicated();
      log.info("FIX {}: taking the session over from the cluster: next sender sequence {} "
          + "(cluster {}, {}), next target {} (cluster {})", sid, from, c.nextSender(),
          c.clean() ? "closed cleanly" : "the last node did not close it", Math.max(target,
              c.nextTarget()), c.nextTarget());
      local.setNextSenderMsgSeqNum(from);
    }
    if (target < c.nextTarget()) {
      local.setNextTargetMsgSeqNum(c.nextTarget());
    }
    shipSeqs();
  }

  /** Best effort on a clean stop: flush and mark the session closed cleanly. */
  void close(Duration timeout) {
    CountDownLatch done = new CountDownLatch(1);
    try {
      shipper.tell(new StoreShipper.Close(local.getNextSenderMsgSeqNum(), done::countDown));
      done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      log.warn("FIX {}: store not closed cleanly: {}", sid, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private FixSessionLog.Copy ask(int from, int to) {
    try {
      return entity.<FixSessionLog.Copy>ask(r -> new FixSessionLog.Get(from, to, r),
          settings.askTimeout()).toCompletableFuture()
          .get(settings.askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("FIX {}: the cluster's copy of the session did not answer: {}", sid,
          e.toString());
      return null;
    }
  }
}
