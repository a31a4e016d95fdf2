package io.agentchat.agent;

import java.util.regex.Pattern;

/**
 * The offline agent's fixed Markdown samples, so the web client's rendering can be seen without a model: a message
 * asking for a table gets a GitHub-style table, one asking for code gets fenced code blocks (one with a long line).
 */
final class OfflineSamples {
  private static final Pattern TABLE = Pattern.compile("\\btables?\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern CODE = Pattern.compile("\\b(code|snippet)\\b", Pattern.CASE_INSENSITIVE);

  static final String TABLE_TEXT = """
      Here is an example table (fixed text, as a model would write it):

      | City | Country | Known for | Population |
      |:-----|:-------:|:---------:|-----------:|
      | **Lisbon** | Portugal | *trams* and tiles | 545,000 |
      | Oslo | Norway | `fjords` | 709,000 |
      | Kyoto | Japan | ~~nothing~~ temples | 1,464,000 |
      """;

  static final String CODE_TEXT = """
      Here is some code, as a model would write it:

      ```python
      def greet(name: str) -> str:
          \"\"\"Says hello.\"\"\"
          return f"Hello, {name}! <b>not bold</b>"
      ```

      And a long line that scrolls inside its block:

      ```
      curl -s -H "Authorization: Bearer $AGENT_CHAT_KEY" -H "Content-Type: application/json" -d '{"model":"agent","messages":[{"role":"user","content":"What is the weather in Lisbon?"}]}' http://localhost:8080/v1/chat/completions
      ```
      """;

  private OfflineSamples() {
  }

  /** The sample a message asks for, or null. */
  static String forMessage(String msg) {
    if (TABLE.matcher(msg).find()) {
      return TABLE_TEXT;
    }
    if (CODE.matcher(msg).find()) {
      return CODE_TEXT;
    }
    return null;
  }
}
