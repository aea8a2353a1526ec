package io.kabuto.persistence.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LevelDB database (through leveldbjni) holding the replica logs and snapshots of one storage
 * node, with a verified {@link StoreIdentity}. Key layout: see {@code Keys}.
 *
 * <p>Thread-safe: LevelDB itself is, and {@link #close()} waits for running operations (a native
 * call on a closed database would crash the JVM, not throw). Read-modify-write sequences (the
 * replica protocol) are not atomic here; {@code ReplicaLog} serializes them.
 *
 * <p>A directory can be open once per JVM; a second {@link #open} fails with a message that says
 * so. Another process holding the directory is detected by LevelDB's own {@code LOCK} file.
 */
public final class LevelDbStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LevelDbStore.class);

  static final String FORMAT_VERSION = "1";
  private static final String META_FORMAT = "format";
  private static final String META_CLUSTER = "cluster-id";
  private static final String META_REPLICA = "replica-id";
  private static final String META_UUID = "store-uuid";
  private static final String META_CREATED = "created-at";

  /** Directories open in this JVM (real paths). */
  private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final DB db;
  private final StoreConfig config;
  private final StoreIdentity identity;
  private final WriteOptions syncWrite = new WriteOptions().sync(true);
  private final WriteOptions plainWrite = new WriteOptions().sync(false);
  private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
  private final DiskFaults faults = new DiskFaults();
  private boolean closed;

  private LevelDbStore(Path dir, DB db, StoreConfig config, StoreIdentity identity) {
    this.dir = dir;
    this.db = db;
    this.config = config;
    this.identity = identity;
  }

  /**
   * Opens (creating if needed) the store in {@code dir} and checks or writes its identity.
   *
   * @throws StoreIdentityException if the directory belongs to another cluster or replica, or is a
   *     LevelDB database without a Kabuto identity
   * @throws IllegalStateException if the directory is already open (this JVM or another process)
   * @throws UncheckedIOException on other I/O errors
   */
  public static LevelDbStore open(Path dir, StoreConfig config) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(config, "config");
    Path real;
    try {
      Files.createDirectories(dir);
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create store directory " + dir, e);
    }
    if (!OPEN_DIRS.add(real)) {
      throw new IllegalStateException(
          "LevelDB store " + real + " is already open in this JVM; close it first (one "
              + "StorageNode per directory)");
    }
    DB db = null;
    try {
      Options options = new Options()
          .createIfMissing(true)
          .paranoidChecks(true)
          .cacheSize(config.cacheSizeBytes());
      File file = real.toFile();
      try {
        db = JniDBFactory.factory.open(file, options);
      } catch (IOException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("LOCK")) {
          throw new IllegalStateException(
              "LevelDB store " + real + " is locked by another process (LevelDB LOCK file): "
                  + msg, e);
        }
        throw new UncheckedIOException("cannot open LevelDB store " + real + ": " + msg, e);
      }
      StoreIdentity identity = checkIdentity(db, real, config);
      LevelDbStore store = new LevelDbStore(real, db, config, identity);
      log.info("opened store {} ({}, replica {} of cluster {}, uuid {}, fsync {})", real,
          identity.status(), identity.replicaId(), identity.clusterId(), identity.storeUuid(),
          config.fsyncPolicy());
      return store;
    } catch (RuntimeException e) {
      if (db != null) {
        closeQuietly(db);
      }
      OPEN_DIRS.remove(real);
      throw e;
    }
  }

  private static StoreIdentity checkIdentity(DB db, Path dir, StoreConfig config) {
    String cluster = getMeta(db, META_CLUSTER);
    String replica = getMeta(db, META_REPLICA);
    String uuid = getMeta(db, META_UUID);
    if (cluster == null && replica == null && uuid == null) {
      if (!isEmpty(db)) {
        throw new StoreIdentityException(
            "LevelDB database " + dir + " has data but no Kabuto store identity (expected cluster '"
                + config.clusterId() + "', replica '" + config.replicaId()
                + "'); refusing to use a foreign database as a replica");
      }
      String newUuid = UUID.randomUUID().toString();
      WriteBatch b = db.createWriteBatch();
      try {
        b.put(Keys.meta(META_FORMAT), utf8(FORMAT_VERSION));
        b.put(Keys.meta(META_CLUSTER), utf8(config.clusterId()));
        b.put(Keys.meta(META_REPLICA), utf8(config.replicaId()));
        b.put(Keys.meta(META_UUID), utf8(newUuid));
        b.put(Keys.meta(META_CREATED), utf8(java.time.Instant.now().toString()));
        db.write(b, new WriteOptions().sync(true));
      } finally {
        closeQuietly(b);
      }
      StoreIdentity.Status status =
          config.expectExisting() ? StoreIdentity.Status.NEW_EMPTY : StoreIdentity.Status.NEW;
      if (status == StoreIdentity.Status.NEW_EMPTY) {
        log.warn("store {} was expected to exist (replica {} of cluster {}) but the directory was "
            + "empty: created a new store {}, it must catch up before it counts as a replica",
            dir, config.replicaId(), config.clusterId(), newUuid);
      }
      return new StoreIdentity(config.clusterId(), config.replicaId(), newUuid, status);
    }
    if (cluster == null || replica == null || uuid == null) {
      throw new StoreIdentityException(
          "store " + dir + " has an incomplete identity (cluster-id=" + cluster + ", replica-id="
              + replica + ", store-uuid=" + uuid + ")");
    }
    String format = getMeta(db, META_FORMAT);
    if (!FORMAT_VERSION.equals(format)) {
      throw new StoreIdentityException(
          "store " + dir + " has format " + format + ", this build reads format " + FORMAT_VERSION);
    }
    if (!cluster.equals(config.clusterId()) || !replica.equals(config.replicaId())) {
      throw new StoreIdentityException(
          "store " + dir + " belongs to cluster '" + cluster + "' replica '" + replica
              + "', but this node is cluster '" + config.clusterId() + "' replica '"
              + config.replicaId() + "': wrong data directory?");
    }
    return new StoreIdentity(cluster, replica, uuid, StoreIdentity.Status.VERIFIED);
  }

  private static boolean isEmpty(DB db) {
    try (DBIterator it = db.iterator()) {
      it.seekToFirst();
      return !it.hasNext();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String getMeta(DB db, String name) {
    byte[] v = db.get(Keys.meta(name));
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public Path dir() {
    return dir;
  }

  public StoreIdentity identity() {
    return identity;
  }

  public FsyncPolicy fsyncPolicy() {
    return config.fsyncPolicy();
  }

  /** Injected disk faults (slow or full disk) that every write of this store goes through. */
  public DiskFaults faults() {
    return faults;
  }

  /** Every persistence id that has a log (a highest sequence number), ascending. */
  public List<String> persistenceIds() {
    return withOpen(() -> {
      List<String> out = new ArrayList<>();
      byte[] prefix = {Keys.HIGHEST};
      try (DBIterator it = db.iterator()) {
        it.seek(prefix);
        while (it.hasNext()) {
          byte[] key = it.next().getKey();
          if (key.length == 0 || key[0] != Keys.HIGHEST) {
            break;
          }
          out.add(Keys.pidOf(key));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- reads

  /** Highest epoch promised for {@code pid}, 0 if none. */
  public long promised(String pid) {
    return getLong(Keys.promised(pid));
  }

  /**
   * Highest sequence number of {@code pid}, 0 if none. Stays readable after {@link #deleteTo}, as
   * Pekko's {@code asyncReadHighestSequenceNr} requires.
   */
  public long highestSeqNr(String pid) {
    return getLong(Keys.highest(pid));
  }

  /** Entries up to and including this sequence number are deleted; 0 if none. */
  public long deletedTo(String pid) {
    return getLong(Keys.deletedTo(pid));
  }

  /** The entry at {@code seqNr}, if present and not deleted. */
  public Optional<LogEntry> entry(String pid, long seqNr) {
    return withOpen(() -> {
      byte[] key = Keys.entry(pid, seqNr);
      byte[] v = db.get(key);
      if (v == null || seqNr <= deletedTo(pid)) {
        return Optional.empty();
      }
      return Optional.of(Keys.decodeEntry(key, v));
    });
  }

  /**
   * Entries of {@code pid} with {@code fromSeqNr <= seqNr <= toSeqNr}, ascending, at most
   * {@code max}, skipping deleted ones. Reads one consistent LevelDB snapshot.
   */
  public List<LogEntry> read(String pid, long fromSeqNr, long toSeqNr, long max) {
    return withOpen(() -> {
      List<LogEntry> out = new ArrayList<>();
      if (max <= 0 || toSeqNr < fromSeqNr) {
        return out;
      }
      org.iq80.leveldb.Snapshot snap = db.getSnapshot();
      try {
        ReadOptions ro = new ReadOptions().snapshot(snap);
        byte[] del = db.get(Keys.deletedTo(pid), ro);
        long from = Math.max(Math.max(fromSeqNr, 1), del == null ? 1 : Keys.readLong(del) + 1);
        byte[] prefix = Keys.entryPrefix(pid);
        try (DBIterator it = db.iterator(ro)) {
          it.seek(Keys.entry(pid, from));
          while (it.hasNext() && out.size() < max) {
            Map.Entry<byte[], byte[]> e = it.next();
            byte[] key = e.getKey();
            if (!Keys.startsWith(key, prefix) || key.length != prefix.length + 8) {
              break;
            }
            LogEntry entry = Keys.decodeEntry(key, e.getValue());
            if (entry.seqNr() > toSeqNr) {
              break;
            }
            out.add(entry);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        closeQuietly(snap);
      }
      return out;
    });
  }

  private long getLong(byte[] key) {
    return withOpen(() -> {
      byte[] v = db.get(key);
      return v == null ? 0L : Keys.readLong(v);
    });
  }

  // ---------------------------------------------------------------- writes

  /** A new, empty batch of writes; apply it with {@link #write(Batch, boolean)}. */
  public Batch batch() {
    return withOpen(() -> new Batch(db.createWriteBatch()));
  }

  /**
   * Applies {@code batch} atomically (all of it or none of it survives a crash) and closes it.
   *
   * @param commitPoint whether this write is a commit point (see {@link FsyncPolicy#BATCHED})
   * @return whether the write was fsynced
   * @throws DiskFullException if a full disk is injected (nothing is written)
   */
  public boolean write(Batch batch, boolean commitPoint) {
    boolean sync = config.fsyncPolicy().syncs(commitPoint);
    withOpen(() -> {
      try {
        faults.beforeWrite(dir);
        db.write(batch.wb, sync ? syncWrite : plainWrite);
      } finally {
        batch.close();
      }
      return null;
    });
    return sync;
  }

  /**
   * Pekko's {@code deleteMessagesTo}: entries of {@code pid} up to {@code toSeqNr} (capped at the
   * highest sequence number) are deleted; the highest sequence number stays. The "deleted to" mark
   * only moves forward.
   *
   * @return the new "deleted to" sequence number
   */
  public long deleteTo(String pid, long toSeqNr) {
    return withOpen(() -> {
      long highest = highestSeqNr(pid);
      long old = deletedTo(pid);
      long target = Math.min(toSeqNr, highest);
      if (target <= old) {
        return old;
      }
      Batch b = batch();
      b.putDeletedTo(pid, target);
      byte[] prefix = Keys.entryPrefix(pid);
      try (DBIterator it = db.iterator()) {
        it.seek(Keys.entry(pid, old + 1));
        while (it.hasNext()) {
          byte[] key = it.next().getKey();
          if (!Keys.startsWith(key, prefix) || Keys.longFromEnd(key, 8) > target) {
            break;
          }
          b.wb.delete(key);
        }
      } catch (IOException e) {
        b.close();
        throw new UncheckedIOException(e);
      }
      write(b, false);
      return target;
    });
  }

  // ---------------------------------------------------------------- snapshots

  /** Stores (or replaces) a snapshot. A commit point: it is acknowledged to Pekko. */
  public void saveSnapshot(StoredSnapshot s) {
    Batch b = batch();
    b.wb.put(Keys.snapshot(s.persistenceId(), s.seqNr(), s.timestamp()), s.data());
    write(b, true);
  }

  /** The matching snapshot with the highest sequence number (then highest timestamp). */
  public Optional<StoredSnapshot> loadSnapshot(String pid, SnapshotCriteria criteria) {
    List<StoredSnapshot> all = snapshots(pid, criteria, true);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Deletes one snapshot; a no-op if there is none. */
  public void deleteSnapshot(String pid, long seqNr, long timestamp) {
    Batch b = batch();
    b.wb.delete(Keys.snapshot(pid, seqNr, timestamp));
    write(b, false);
  }

  /** Deletes all matching snapshots of {@code pid}; returns how many. */
  public int deleteSnapshots(String pid, SnapshotCriteria criteria) {
    List<StoredSnapshot> matching = snapshots(pid, criteria, false);
    if (matching.isEmpty()) {
      return 0;
    }
    Batch b = batch();
    for (StoredSnapshot s : matching) {
      b.wb.delete(Keys.snapshot(pid, s.seqNr(), s.timestamp()));
    }
    write(b, false);
    return matching.size();
  }

  private List<StoredSnapshot> snapshots(String pid, SnapshotCriteria c, boolean withData) {
    return withOpen(() -> {
      List<StoredSnapshot> out = new ArrayList<>();
      byte[] prefix = Keys.snapshotPrefix(pid);
      try (DBIterator it = db.iterator()) {
        it.seek(prefix);
        while (it.hasNext()) {
          Map.Entry<byte[], byte[]> e = it.next();
          byte[] key = e.getKey();
          if (!Keys.startsWith(key, prefix) || key.length != prefix.length + 16) {
            break;
          }
          long seqNr = Keys.longFromEnd(key, 16);
          long ts = Keys.longFromEnd(key, 8);
          if (seqNr > c.maxSeqNr()) {
            break;
          }
          if (c.matches(seqNr, ts)) {
            out.add(new StoredSnapshot(pid, seqNr, ts, withData ? e.getValue() : new byte[0]));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes the database and releases the directory. Idempotent. */
  @Override
  public void close() {
    closeLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing store " + dir, e);
      } finally {
        OPEN_DIRS.remove(dir);
        log.info("closed store {}", dir);
      }
    } finally {
      closeLock.writeLock().unlock();
    }
  }

  public boolean isClosed() {
    closeLock.readLock().lock();
    try {
      return closed;
    } finally {
      closeLock.readLock().unlock();
    }
  }

  private <T> T withOpen(java.util.function.Supplier<T> op) {
    closeLock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("store " + dir + " is closed");
      }
      return op.get();
    } finally {
      closeLock.readLock().unlock();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("ignored while closing", e);
    }
  }

  /**
   * A set of writes applied atomically by {@link LevelDbStore#write(Batch, boolean)}. Not
   * thread-safe. Holds native memory: write it or {@link #close()} it.
   */
  public final class Batch implements AutoCloseable {
    private final WriteBatch wb;
    private int ops;
    private boolean done;

    private Batch(WriteBatch wb) {
      this.wb = wb;
    }

    public Batch putPromised(String pid, long epoch) {
      ops++;
      wb.put(Keys.promised(pid), Keys.longValue(epoch));
      return this;
    }

    public Batch putHighest(String pid, long seqNr) {
      ops++;
      wb.put(Keys.highest(pid), Keys.longValue(seqNr));
      return this;
    }

    public Batch putDeletedTo(String pid, long seqNr) {
      ops++;
      wb.put(Keys.deletedTo(pid), Keys.longValue(seqNr));
      return this;
    }

    public Batch putEntry(String pid, LogEntry e) {
      ops++;
      wb.put(Keys.entry(pid, e.seqNr()), Keys.entryValue(e.epoch(), e.payload()));
      return this;
    }

    public Batch deleteEntry(String pid, long seqNr) {
      ops++;
      wb.delete(Keys.entry(pid, seqNr));
      return this;
    }

    /** Number of put/delete operations so far. */
    public int size() {
      return ops;
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        closeQuietly(wb);
      }
    }
  }
}
