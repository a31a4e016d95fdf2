package io.agentchat.common;

/** Local token estimate (about four characters a token) for text no model has counted; results so counted are flagged estimated. */
public final class TokenEstimate {
  private TokenEstimate() {
  }

  public static long of(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    return (text.length() + 3) / 4;
  }
}
