package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OfflineSamplesTest {

  @Test
  void aTableOrCodeWhenAskedForAndNothingElse() {
    assertEquals(OfflineSamples.TABLE_TEXT, OfflineSamples.forMessage("Show me a TABLE of cities"));
    assertEquals(OfflineSamples.CODE_TEXT, OfflineSamples.forMessage("some code, please"));
    assertNull(OfflineSamples.forMessage("hello there"));
    assertNull(OfflineSamples.forMessage("a timetable of trains"), "only the word itself");
  }

  @Test
  void theSamplesAreTheMarkdownTheyStandFor() {
    assertTrue(OfflineSamples.TABLE_TEXT.contains("\n|:-----|:-------:|:---------:|-----------:|\n"), OfflineSamples.TABLE_TEXT);
    assertTrue(OfflineSamples.CODE_TEXT.contains("```python\n") && OfflineSamples.CODE_TEXT.split("```", -1).length == 5, OfflineSamples.CODE_TEXT);
  }
}
