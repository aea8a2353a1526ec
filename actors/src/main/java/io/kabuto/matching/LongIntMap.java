package io.kabuto.matching;

/**
 * Open-addressing map from order id to order slot: linear probing, backward-shift deletion, no
 * boxing and no allocation except when it grows.
 *
 * <p>Each entry is two adjacent longs, key then value, so a lookup of a cold id costs one cache
 * miss, not one in a key array and another in a value array (on a book of tens of thousands of
 * orders the index no longer fits the inner caches, and the lookup was the top cost).
 */
final class LongIntMap {
  private static final long EMPTY = Long.MIN_VALUE;

  // table[2 * i] = key, table[2 * i + 1] = value
  private long[] table;
  private int mask;
  private int size;
  private int growAt;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(cap);
  }

  private void allocate(int cap) {
    table = new long[2 * cap];
    for (int i = 0; i < table.length; i += 2) table[i] = EMPTY;
    mask = cap - 1;
    growAt = cap / 2;
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  int size() {
    return size;
  }

  /** Value for key, or -1. */
  int get(long key) {
    if (key == EMPTY) return -1;
    final long[] t = table;
    int i = slot(key);
    while (true) {
      long k = t[2 * i];
      if (k == key) return (int) t[2 * i + 1];
      if (k == EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  void put(long key, int value) {
    if (key == EMPTY) throw new IllegalArgumentException("reserved key");
    final long[] t = table;
    int i = slot(key);
    while (true) {
      long k = t[2 * i];
      if (k == key) {
        t[2 * i + 1] = value;
        return;
      }
      if (k == EMPTY) {
        t[2 * i] = key;
        t[2 * i + 1] = value;
        if (++size > growAt) rehash();
        return;
      }
      i = (i + 1) & mask;
    }
  }

  void remove(long key) {
    if (key == EMPTY) return;
    final long[] t = table;
    int i = slot(key);
    while (true) {
      long k = t[2 * i];
      if (k == EMPTY) return;
      if (k == key) break;
      i = (i + 1) & mask;
    }
    size--;
    // backward-shift: move later entries of the probe chain into the gap
    int gap = i;
    int j = (i + 1) & mask;
    long kj;
    while ((kj = t[2 * j]) != EMPTY) {
      int home = slot(kj);
      boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
      if (movable) {
        t[2 * gap] = kj;
        t[2 * gap + 1] = t[2 * j + 1];
        gap = j;
      }
      j = (j + 1) & mask;
    }
    t[2 * gap] = EMPTY;
  }

  void clear() {
    for (int i = 0; i < table.length; i += 2) table[i] = EMPTY;
    size = 0;
  }

  private void rehash() {
    long[] old = table;
    allocate((old.length / 2) * 2);
    size = 0;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != EMPTY) put(old[i], (int) old[i + 1]);
    }
  }
}
