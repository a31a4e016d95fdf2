package io.agentchat.agent;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * Frames of the AWS event-stream encoding ({@code application/vnd.amazon.eventstream}), encoded by the SDK's own codec,
 * as the Bedrock services stream them: what the Bedrock stand-ins write so that the real SDK clients read them.
 */
final class AwsEventStream {
  static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";

  private AwsEventStream() {
  }

  /** An event frame of {@code type} with a JSON payload. */
  static Buffer event(String type, JsonObject payload) {
    return frame(Map.of(":message-type", HeaderValue.fromString("event"), ":event-type", HeaderValue.fromString(type),
        ":content-type", HeaderValue.fromString("application/json")), payload);
  }

  /** An exception frame of {@code type} (a modelled service exception, such as {@code throttlingException}). */
  static Buffer exception(String type, String message) {
    return frame(Map.of(":message-type", HeaderValue.fromString("exception"), ":exception-type", HeaderValue.fromString(type),
        ":content-type", HeaderValue.fromString("application/json")), new JsonObject().put("message", message));
  }

  private static Buffer frame(Map<String, HeaderValue> headers, JsonObject payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Message(headers, payload.encode().getBytes(StandardCharsets.UTF_8)).encode(out);
    return Buffer.buffer(out.toByteArray());
  }
}
