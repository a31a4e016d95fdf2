package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-over of a turn's output from the agent's event loop to the actor's: nothing lost, nothing reordered. */
class TurnStreamTest {

  @Test
  void theReaderIsToldOnlyOfOutputItHasNotBeenToldOf() {
    TurnStream s = new TurnStream();
    assertTrue(s.offer("a"), "the first item is told of");
    assertFalse(s.offer("b"), "the reader was told already and takes it with the first");
    List<Object> taken = new ArrayList<>();
    s.drain(taken::add);
    assertEquals(List.of("a", "b"), taken);
    assertTrue(s.offer("c"), "after a drain the next item is told of again");
    s.drain(taken::add);
    s.drain(taken::add);
    assertEquals(List.of("a", "b", "c"), taken);
  }

  @Test
  void aWriterAndAReaderOnTwoThreadsLoseNothing() throws Exception {
    int items = 200_000;
    TurnStream s = new TurnStream();
    BlockingQueue<Boolean> told = new ArrayBlockingQueue<>(items + 1);
    Thread writer = new Thread(() -> {
      for (int i = 0; i < items; i++) {
        if (s.offer(i)) {
          told.add(true);
        }
      }
    });
    List<Object> taken = new ArrayList<>();
    int tells = 0;
    writer.start();
    while (taken.size() < items) {
      Boolean t = told.poll(30, TimeUnit.SECONDS);
      assertTrue(t != null, "the reader is told of every item still waiting (" + taken.size() + " taken)");
      tells++;
      s.drain(taken::add);
    }
    writer.join();
    for (int i = 0; i < items; i++) {
      assertEquals(i, taken.get(i), "in the order written");
    }
    assertTrue(tells <= items, "at most one message per item");
  }
}
