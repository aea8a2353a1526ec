package io.kabuto.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** The book's id index against {@link HashMap}: put, remove (backward shift), get, growth. */
class LongIntMapProperties {

  record Op(int kind, long key, int value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Long> keys = Arbitraries.frequencyOf(
        Tuple.of(80, Arbitraries.longs().between(1, 300)),
        Tuple.of(15, Arbitraries.longs().between(Long.MIN_VALUE + 1, Long.MAX_VALUE)),
        Tuple.of(5, Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE + 1)));
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), keys,
        Arbitraries.integers().between(0, 1_000_000)).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(5_000);
  }

  @Property(tries = 200)
  void behavesLikeAHashMap(@ForAll("ops") List<Op> ops, @ForAll("expected") int expected) {
    LongIntMap m = new LongIntMap(expected);
    Map<Long, Integer> ref = new HashMap<>();
    for (Op op : ops) {
      if (op.kind < 5) {
        m.put(op.key, op.value);
        ref.put(op.key, op.value);
      } else if (op.kind < 8) {
        m.remove(op.key);
        ref.remove(op.key);
      } else if (op.kind == 8) {
        m.clear();
        ref.clear();
      }
      assertEquals(ref.getOrDefault(op.key, -1), m.get(op.key), "get " + op.key);
      assertEquals(ref.size(), m.size());
    }
    for (Map.Entry<Long, Integer> e : ref.entrySet()) assertEquals(e.getValue(), m.get(e.getKey()));
  }

  @Provide
  Arbitrary<Integer> expected() {
    return Arbitraries.of(1, 16, 1024);
  }
  @Example
  void theEmptyMarkerIsNeverFound() {
    LongIntMap m = new LongIntMap(16);
    m.put(42, 7);
    m.remove(42);
    assertEquals(-1, m.get(Long.MIN_VALUE));
  }
}
