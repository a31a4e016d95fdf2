package io.agentchat.agent;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One call to a model or agent service within a turn: the text it streamed, the tools it asked for, the usage it reported
 * and how it ended ({@code failure} is null when it did not fail).
 */
final class Round {
  /** A tool call as a model streams it: the id, the name and the JSON input may each arrive in pieces. */
  static final class ToolCall {
    String id;
    final StringBuilder name = new StringBuilder();
    final StringBuilder arguments = new StringBuilder();

    ToolCall(String id, String name) {
      this.id = id;
      this.name.append(name);
    }

    String name() {
      return name.toString();
    }

    /** The input as JSON; a model that sent none, or broken JSON, gets an empty input. */
    JsonObject input() {
      try {
        return arguments.isEmpty() ? new JsonObject() : new JsonObject(arguments.toString());
      } catch (DecodeException e) {
        return new JsonObject();
      }
    }
  }

  final Turn turn;
  /** What this call sends, as text: the input of the estimate when the service reports no usage. */
  final String sent;
  final StringBuilder text = new StringBuilder();
  /** Tools the model asks this server to run. */
  final List<ToolCall> toolCalls = new ArrayList<>();
  /** Tools the service ran itself (Bedrock Agents' action groups). */
  final List<String> toolsRun = new ArrayList<>();
  /** Why the model stopped, in its own words (for the trace). */
  String stop;
  /** The model stopped to have its tool calls run. */
  boolean toolUse;
  Throwable failure;
  private long inputTokens;
  private long outputTokens;
  private boolean usageReported;

  Round(Turn turn, String sent) {
    this.turn = turn;
    this.sent = sent;
  }

  /** Streams a piece of the answer to the user (unless the turn was cancelled). */
  void chunk(String piece) {
    if (turn.chunk(piece)) {
      text.append(piece);
    }
  }

  /** Adds usage the service reported for this call (some services report it in several parts). */
  void usage(Number input, Number output) {
    usageReported = true;
    inputTokens += input == null ? 0 : input.longValue();
    outputTokens += output == null ? 0 : output.longValue();
  }

  ToolCall toolCall(String id, String name) {
    ToolCall call = new ToolCall(id, name);
    toolCalls.add(call);
    return call;
  }

  boolean wantsTools() {
    return failure == null && toolUse && !toolCalls.isEmpty();
  }

  /** What the model produced, as text: its answer, and the names and inputs of its tool calls. */
  String produced() {
    StringBuilder out = new StringBuilder(text);
    toolCalls.forEach(c -> out.append(c.name).append(c.arguments));
    return out.toString();
  }

  /**
   * Adds what this call used to the turn: the usage as reported, or the estimate when the service reported none. A call
   * that failed before it produced anything is not metered (it is made again, or the turn fails and is given back).
   */
  void meter() {
    if (failure != null && text.isEmpty()) {
      return;
    }
    if (usageReported) {
      turn.reported(inputTokens, outputTokens);
    } else {
      turn.estimate(sent, produced());
    }
    turn.tools.addAll(toolsRun);
  }
}
