package io.kabuto.scenario.journal;

import java.util.List;
import java.util.Map;

/**
 * The books' journals as the storage replicas held them after the run.
 *
 * @param books per symbol (only symbols some replica has a log of)
 * @param replicas the replicas read
 * @param problems replicas that could not be read and why (the checks say they are partial)
 */
public record StoredJournal(Map<String, BookJournal> books, List<String> replicas, List<String> problems) {
  public StoredJournal {
    books = Map.copyOf(books);
    replicas = List.copyOf(replicas);
    problems = List.copyOf(problems);
  }
}
