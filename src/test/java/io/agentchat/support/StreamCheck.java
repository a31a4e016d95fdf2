package io.agentchat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.store.MessageRecord;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** What a client that followed a session's turns over the bridge must have seen: every chunk of every turn, once, in order. */
public final class StreamCheck {
  private StreamCheck() {
  }

  /**
   * For each turn the store has an assistant reply for, the socket's chunks of that turn carry {@code seq} 0..n-1 with no gap
   * and no repeat, and joined they are the stored reply.
   */
  public static void everyChunkOfEveryTurn(String where, List<JsonObject> frames, List<MessageRecord> stored, List<String> turnIds) {
    Map<String, String> replies = stored.stream().filter(m -> m.role().equals("assistant"))
        .collect(Collectors.toMap(MessageRecord::turnId, MessageRecord::text));
    List<JsonObject> chunks = BridgeClient.bodies(frames, "chunk");
    for (String turn : turnIds) {
      List<JsonObject> mine = chunks.stream().filter(c -> turn.equals(c.getString("turn_id")))
          .sorted(Comparator.comparingInt(c -> c.getInteger("seq"))).toList();
      List<Integer> seqs = mine.stream().map(c -> c.getInteger("seq")).toList();
      assertEquals(IntStream.range(0, mine.size()).boxed().toList(), seqs, where + ": the seq values of turn " + turn + " have no gap");
      String joined = mine.stream().map(c -> c.getString("text")).collect(Collectors.joining());
      assertEquals(replies.get(turn), joined, where + ": the chunks of turn " + turn + " joined are its stored reply");
    }
  }
}
