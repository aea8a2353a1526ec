package io.kabuto.matching;

import java.util.Arrays;

/**
 * Open-addressing map from order id to order slot: linear probing, backward-shift deletion, no
 * boxing and no allocation except when it grows.
 */
final class LongIntMap {
  private static final long EMPTY = Long.MIN_VALUE;

  private long[] keys;
  private int[] values;
  private int mask;
  private int size;
  private int growAt;

  LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(cap);
  }

  private void allocate(int cap) {
    keys = new long[cap];
    Arrays.fill(keys, EMPTY);
    values = new int[cap];
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
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) return values[i];
      if (k == EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  void put(long key, int value) {
    if (key == EMPTY) throw new IllegalArgumentException("reserved key");
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == key) {
        values[i] = value;
        return;
      }
      if (k == EMPTY) {
        keys[i] = key;
        values[i] = value;
        if (++size > growAt) rehash();
        return;
      }
      i = (i + 1) & mask;
    }
  }

  void remove(long key) {
    if (key == EMPTY) return;
    int i = slot(key);
    while (true) {
      long k = keys[i];
      if (k == EMPTY) return;
      if (k == key) break;
      i = (i + 1) & mask;
    }
    size--;
    // backward-shift: move later entries of the probe chain into the gap
    int gap = i;
    int j = (i + 1) & mask;
    while (keys[j] != EMPTY) {
      int home = slot(keys[j]);
      boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
      if (movable) {
        keys[gap] = keys[j];
        values[gap] = values[j];
        gap = j;
      }
      j = (j + 1) & mask;
    }
    keys[gap] = EMPTY;
  }

  void clear() {
    Arrays.fill(keys, EMPTY);
    size = 0;
  }

  private void rehash() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    allocate(oldKeys.length * 2);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) put(oldKeys[i], oldValues[i]);
    }
  }
}
