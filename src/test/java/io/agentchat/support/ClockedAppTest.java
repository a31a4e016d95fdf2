package io.agentchat.support;

import java.time.Clock;
import java.time.Instant;

/** A deployment whose metering and sessions read a {@link TestClock} that the test moves. */
public abstract class ClockedAppTest extends AppTest {
  protected final TestClock clock;

  protected ClockedAppTest(Instant start) {
    this.clock = new TestClock(start);
  }

  @Override
  protected Clock clock() {
    return clock;
  }
}
