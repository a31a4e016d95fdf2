package io.agentchat.agent;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;
import java.util.function.Consumer;

/**
 * A {@code text/event-stream} response read as it arrives, one line at a time: each event's data (its {@code data:}
 * lines joined by newlines) goes to the handler when the blank line that ends the event arrives, or when the stream ends.
 * Every line restarts the call's silence clock; nothing is taken once the call has ended or the turn was cancelled. A
 * handler that throws ends the call with that failure and aborts it (a malformed stream is not read on).
 */
final class ServerSentEvents {
  private final StreamCall call;
  private final Consumer<String> handler;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  private ServerSentEvents(StreamCall call, Consumer<String> handler) {
    this.call = call;
    this.handler = handler;
  }

  static void read(HttpClientResponse resp, StreamCall call, Consumer<String> handler) {
    ServerSentEvents events = new ServerSentEvents(call, handler);
    resp.handler(RecordParser.newDelimited("\n", events::line));
    resp.exceptionHandler(call::fail);
    resp.endHandler(v -> {
      events.dispatch();
      call.end();
    });
  }

  private void line(Buffer raw) {
    call.touch();
    if (!call.open()) {
      return;
    }
    String line = raw.toString();
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      dispatch();
    } else if (line.startsWith("data:")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
      hasData = true;
    }
    // comments (":...") and the other fields (event, id, retry) carry nothing a backend reads
  }

  private void dispatch() {
    if (!hasData || !call.open()) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    try {
      handler.accept(event);
    } catch (RuntimeException e) {
      call.abort(e);
    }
  }
}
