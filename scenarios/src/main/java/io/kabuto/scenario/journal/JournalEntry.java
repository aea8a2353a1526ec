package io.kabuto.scenario.journal;

/**
 * One entry of a book's log as one storage replica holds it.
 *
 * @param replica the replica (storage node) that holds it
 * @param seqNr Pekko's sequence number in the book's persistence id
 * @param epoch the epoch of the incarnation that wrote it (storage protocol)
 * @param writerUuid Pekko's id of the writing incarnation ("" for an empty entry)
 * @param event the decoded event ({@code OrderBook.Opened}, {@code Applied}, {@code Busted}), or
 *     null for the empty placeholder the journal writes for a rejected (unserializable) event
 * @param size the stored payload's length in bytes (entries are compared by epoch, writer and event)
 */
public record JournalEntry(String replica, long seqNr, long epoch, String writerUuid, Object event, int size) {

  /** Whether two replicas hold the same entry at this seqNr (the epoch may differ: re-writes). */
  public boolean sameContent(JournalEntry o) {
    return o != null && o.seqNr == seqNr && java.util.Objects.equals(event, o.event);
  }
}
