package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.TokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * One turn as a backend runs it: the request, where its output goes, the text the user has seen, the tools that ran and
 * what the turn used. Usage has one rule in every backend: what the service reported for a call, and for a call it
 * reported nothing for, a local estimate of the input sent and the output produced, with the turn flagged estimated.
 */
final class Turn {
  final AgentRequest req;
  final AgentBackend.Sink sink;
  /** The tools that ran for this turn; each is metered as one tool action. */
  final List<String> tools = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private String model;
  private long inputTokens;
  private long outputTokens;
  private boolean estimated;

  Turn(AgentRequest req, AgentBackend.Sink sink, String model) {
    this.req = req;
    this.sink = sink;
    this.model = model;
  }

  /** The model the turn asks the service for (until the service names the one that answered). */
  String model() {
    return model;
  }

  String tier() {
    return req.identity().tier();
  }

  /** The model that answered, when the service names it (Bedrock Agents do in their traces). */
  void model(String name) {
    if (name != null) {
      model = name;
    }
  }

  /** Streams a piece of the answer to the user; false (and nothing sent) when it is empty or the turn was cancelled. */
  boolean chunk(String piece) {
    if (piece == null || piece.isEmpty() || sink.cancelled()) {
      return false;
    }
    text.append(piece);
    sink.chunk(piece);
    return true;
  }

  /** True once part of the answer reached the user: from then on a failed call is not made again. */
  boolean shown() {
    return text.length() > 0;
  }

  String text() {
    return text.toString();
  }

  /** Adds usage the service reported. */
  void reported(long input, long output) {
    inputTokens += input;
    outputTokens += output;
  }

  /** Adds a local count for a call the service reported no usage for: never zero for text that was sent or produced. */
  void estimate(String sent, String produced) {
    estimated = true;
    inputTokens += TokenEstimate.of(sent);
    outputTokens += TokenEstimate.of(produced);
  }

  AgentResult result(String status, String error) {
    return new AgentResult(status, text.toString(), inputTokens, outputTokens, estimated, model, tools, error, 0);
  }
}
