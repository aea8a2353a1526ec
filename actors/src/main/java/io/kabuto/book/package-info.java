/**
 * Order books: one symbol's book as an event-sourced, sharded entity ({@link OrderBook}) around the
 * matching core.
 *
 * <h2>Live path vs replay: who applies the core's events</h2>
 *
 * Pekko wants the event handler to be the state-transition function. The core, however, decides and
 * applies in one call ({@code place/cancel/modify/setPhase/onClock} write events into a {@link
 * io.kabuto.matching.BookEvents} buffer and apply them to the book as they go), and re-running a
 * command on a copy of the book just to get the events would double the cost of every order. So:
 *
 * <ul>
 *   <li>The command handler runs the core on the live book; the core returns exactly the events of
 *       the transition it made. They are persisted as one {@link OrderBook.Applied} event per
 *       command, carrying a sequence number ({@code seq}), and the handler records that the book
 *       already reflects them ({@link OrderBook.State#bookSeq} = the write's last seq).
 *   <li>The event handler applies {@link OrderBook.Applied} to the book with {@link
 *       io.kabuto.matching.LimitOrderBook#apply(io.kabuto.matching.BookEvents)} only if the book
 *       does not reflect it yet ({@code bookSeq == seq}: recovery). On the live path ({@code seq <
 *       event.seq <= bookSeq}) it leaves the book alone. The event must always be the next one
 *       ({@code seq + 1}); anything else is a gap and fails loudly. Everything outside the core
 *       (sequence, idempotency memory, order statuses) is updated by the event handler only, on
 *       both paths, from the event alone.
 * </ul>
 *
 * This is safe because the core is deterministic and event-sourced itself: its commands change the
 * book only by applying the events they emit, and {@code apply} of those same events rebuilds the
 * same book (same {@link io.kabuto.matching.LimitOrderBook#stateHash()}). So the state after the
 * live path and the state after replaying the journal are equal by construction; the tests check
 * it.
 *
 * <p><b>Batched writes.</b> Pekko holds every command while a write is in flight, and a write to
 * the replicated journal waits for a majority of fsyncs, so a book writing one command at a time
 * carries out at most one command per write latency (a few hundred a second). The sharded entity is
 * therefore a {@link BookFront}: it queues the write commands that arrive while a write is in
 * flight and hands them to the OrderBook behavior as one {@link OrderBook.Batch} (at most {@code
 * kabuto.book.max-batch}). The command handler runs them one after the other on the live book
 * ({@link BookBatch}) and persists their {@link OrderBook.Applied} events, consecutive seqs in
 * command order, in ONE atomic journal write; every reply and publication goes out after that
 * write, in command order. The parts outside the core lag behind the book within a batch (the event
 * handler updates them after the write), so the front never puts two PlaceOrders with one id into a
 * batch (the second must see the first in the memory) and writes a SetPhase, Clock or BustTrade
 * alone. Snapshots ({@code snapshotEvery}) are taken after the whole write, of the state after its
 * last event. Sent to OrderBook directly (tests, tools: {@link OrderBook#create(String)}), a write
 * command is a write of its own.
 *
 * <p><b>Persist failure.</b> The command handler has mutated the book before the write is
 * acknowledged. If the journal write fails, Pekko stops the behavior and restarts it with backoff
 * ({@link OrderBook#onPersistFailure}; a rejected write stops it and its front starts a new one).
 * The restart throws the mutated {@link OrderBook.State} away and recovers from the snapshot store
 * and journal, i.e. exactly the acknowledged state; no command of the failed write got a reply, so
 * the clients retry them and, with their order ids, get one order each. If the core throws on a
 * command, every command of its write is rejected ({@link
 * io.kabuto.matching.Reject#INTERNAL_ERROR}) and the behavior fails and restarts the same way. The
 * one trap: Pekko evaluates {@link OrderBook#emptyState()} once per actor and reuses that object
 * for every restart, so the empty state must never be mutated. It is an immutable sentinel ({@code
 * book == null}); the first write of a new book runs the core on a scratch book and persists {@link
 * OrderBook.Opened} + its {@link OrderBook.Applied} events, and the event handler builds the real
 * {@link OrderBook.State} from those events (the replay path, once).
 *
 * <p><b>Rules come from the journal.</b> {@link OrderBook.Opened} records the {@link
 * io.kabuto.matching.BookRules} the book was opened with. Replay uses them, not today's config,
 * because events only make sense on the price grid and limits they were decided under.
 *
 * <p><b>Idempotent order ids.</b> Every accepted PlaceOrder is remembered with its first answer
 * (the core events of that order in that command) until the next trading day (the book leaving the
 * CLOSED phase). A PlaceOrder with a remembered id and the same order fields (participant, side,
 * type, tif, price, quantity) gets the first answer again, without touching the book; the same id
 * with different fields is rejected as {@link io.kabuto.matching.Reject#DUPLICATE_ORDER_ID}.
 * Rejected orders are not remembered: re-sending one is evaluated afresh. The memory is rebuilt
 * from the events on replay and is part of snapshots, so a retry after a crash gets the same
 * answer.
 *
 * <p><b>Replies</b> are sent only after the events are persisted (the whole batch's). A command the
 * core rejects persists nothing, except that the core first advances its clock, which may step a
 * special quote (and trade); those events are persisted before the {@link OrderBook.Rejected}
 * reply.
 *
 * <p><b>Market data</b> ({@link io.kabuto.marketdata.MarketDataMessage}) is derived by the event
 * handler from each persisted event, so the live path and every replay number it the same way: per
 * {@link OrderBook.Applied}, a TRADE per trade and a STATUS per phase change in event order, then a
 * TOP if the best bid or ask (price or quantity of the best limit level) differs from the last TOP;
 * per {@link OrderBook.Busted}, a BUST. The sequence and the newest {@code
 * kabuto.book.market-data.retain} messages are part of the state and of snapshots ({@link
 * OrderBook.GetMarketData} reads them). The messages are published on the symbol's topic ({@link
 * BookTopics}) by the command's side effect after the write, never by the event handler, so a
 * replay republishes nothing. Halts are not persisted (see {@link OrderBook.MarketHalt}), so they
 * are published as unsequenced notices (seq 0).
 *
 * <p><b>Unsolicited executions.</b> After the write, every event about a participant's order that
 * was not in the reply to the command's sender goes to that participant's executions topic as a
 * {@link BookTopics.OwnExecution}: the resting side of a trade, a self-trade-prevention cancel of
 * the resting order, trades and cancels set off by the clock or a phase change, and every event of
 * {@link OrderBook.CancelAllOf} and {@link OrderBook.BustTrade}. A resend answered from memory
 * publishes nothing.
 *
 * <p><b>Busts.</b> {@link OrderBook.BustTrade} persists a {@link OrderBook.Busted} event (numbered
 * in the same sequence as {@link OrderBook.Applied}, so {@code seq} counts both). The book itself
 * is not touched: the orders do not come back and the book's volume and last price stay; the
 * remembered orders' filled quantity goes down by the trade's quantity, a BUST goes on the feed and
 * both sides get an OwnExecution with the trade's event and the reason. Today's trades are
 * remembered by id (cleared with the order memory when a new trading day starts) so a bust can find
 * them; a trade can be busted once.
 */
package io.kabuto.book;
