package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineAgentChunksTest {

  @Test
  void wordByWordByDefault() {
    assertEquals(List.of("Hello ", "there, ", "world."), OfflineAgent.chunks("Hello there, world.", 0));
  }

  @Test
  void exactlyTheConfiguredNumberOfChunksThatAddUpToTheText() {
    String text = OfflineAgent.general("benchmark turn");
    List<String> parts = OfflineAgent.chunks(text, 50);
    assertEquals(50, parts.size());
    assertEquals(text, String.join("", parts));
    assertEquals(3, OfflineAgent.chunks("abc", 50).size(), "never an empty chunk");
  }
}
