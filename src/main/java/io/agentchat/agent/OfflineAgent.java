package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.ErrorCode;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded agent: no model, deterministic answers, streamed word by word at a configurable pace. It says what it is,
 * and it uses real tools: the weather (gated by tier) and the user's own quota. Tokens are estimated locally, and recorded
 * under {@code model} ({@code agent.offline.model}).
 */
public record OfflineAgent(Vertx vertx, TierCatalog tiers, AgentTools tools, long chunkDelayMs, int chunks, String model)
    implements AgentBackend {
  private static final Pattern WORD = Pattern.compile("\\S+\\s*|\\s+");
  private static final Pattern WEATHER = Pattern.compile("\\b(weather|forecast|temperature)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern FORECAST = Pattern.compile("\\b(forecast|tomorrow|next days|this week)\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern CITY = Pattern.compile("\\b(?:in|for|at)\\s+([\\p{L}][\\p{L} .'-]{0,60}?)\\s*(?:[?.!,;]|\\btoday\\b|\\btomorrow\\b|$)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern USAGE = Pattern.compile("\\b(messages? (?:do i have )?left|how many messages|my quota|quota left|remaining messages|my usage)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern LONG = Pattern.compile("\\b(long|story|essay|detail(?:ed)?)\\b", Pattern.CASE_INSENSITIVE);
  static final String LONG_TEXT = "Here is a longer answer, so you can watch it stream. Agent Chat runs one agent deployment for every "
      + "organisation: each turn carries the tenant, the user, the subscription tier and the role as session attributes, and "
      + "every token, tool call and cent it causes is metered against the tenant and user who asked. Quotas are reserved before "
      + "the agent starts and settled when it ends, so a burst of parallel requests can never spend more than the plan allows, "
      + "and a reply cut short still counts what it produced. The conversation is kept per session, turns within a session run "
      + "one after another, and a session that has been idle for a while is put to sleep and woken again from the store on the "
      + "next message. When a real model is connected, this text is replaced by its answer, streamed the same way, chunk by chunk.";


  /** {@code chunks}: 0 streams one chunk a word; n &gt; 0 streams the reply in exactly n chunks (fewer only if shorter). */
  @Override
  public String requestModel(String tier) {
    return model;
  }

  @Override
  public Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    String msg = req.message();
    Turn turn = new Turn(req, sink, req.model() != null ? req.model() : model);
    Future<String> answer;
    if (WEATHER.matcher(msg).find()) {
      sink.trace("plan", new JsonObject().put("intent", "weather").put("text", "Look up the weather with the weather tool."));
      answer = weather(turn);
    } else if (USAGE.matcher(msg).find()) {
      sink.trace("plan", new JsonObject().put("intent", "usage").put("text", "Read the user's quota with the usage tool."));
      answer = tools.run(AgentTools.USAGE, new JsonObject(), turn).map(OfflineAgent::usage);
    } else if (OfflineSamples.forMessage(msg) != null) {
      sink.trace("plan", new JsonObject().put("intent", "sample").put("text", "Answer with a fixed Markdown sample."));
      answer = Future.succeededFuture(OfflineSamples.forMessage(msg));
    } else {
      sink.trace("plan", new JsonObject().put("intent", "answer").put("text", "Answer directly; no tool needed."));
      answer = Future.succeededFuture(general(msg));
    }
    return answer.compose(text -> stream(text, turn)).map(v -> {
      boolean cancelled = sink.cancelled();
      if (!cancelled) {
        sink.trace("final", new JsonObject().put("output_chars", turn.text().length()));
      }
      turn.estimate(msg, turn.text()); // no model counted anything
      return turn.result(cancelled ? "cancelled" : "completed", null);
    });
  }

  /** The fixed answer to a message that needs no tool. */
  public static String general(String msg) {
    String quoted = msg.strip().replaceAll("\\s+", " ");
    if (quoted.length() > 200) {
      quoted = quoted.substring(0, 197) + "...";
    }
    String text = "I'm the offline agent of Agent Chat: no language model is connected, so my answers come from fixed text. "
        + "You wrote: \"" + quoted + "\". Ask me about the weather in a city (for example \"What's the weather in Lisbon?\") "
        + "or how many messages you have left, and I'll answer with a real tool.";
    return LONG.matcher(msg).find() ? text + "\n\n" + LONG_TEXT : text;
  }

  /** Like a model, the agent is offered only the tier's tools, and asks for the city before it calls the weather tool. */
  private Future<String> weather(Turn turn) {
    Tier tier = tiers.require(turn.tier());
    if (!tools.offers(turn.tier(), AgentTools.WEATHER)) {
      turn.sink.trace("observation", new JsonObject().put("tool", AgentTools.WEATHER).put("result", ErrorCode.TOOL_NOT_IN_TIER.code()));
      return Future.succeededFuture("The weather tool is not part of the " + tier.name() + " plan. The advanced plan includes "
          + "current weather and the premium plan adds a forecast; your organisation's admin can change the plan.");
    }
    Matcher m = CITY.matcher(turn.req.message());
    if (!m.find()) {
      return Future.succeededFuture("Which city do you mean? Ask for example \"What's the weather in Lisbon?\"");
    }
    String city = m.group(1).strip();
    boolean wantForecast = FORECAST.matcher(turn.req.message()).find();
    boolean forecast = wantForecast && tier.weatherForecast();
    return tools.run(AgentTools.WEATHER, new JsonObject().put("city", city).put("forecast", forecast), turn).map(r -> {
      if (r.containsKey("error")) {
        return "not_found".equals(r.getString("error")) ? r.getString("message")
            : "The weather service can't be reached right now, so I can't tell you the weather in " + city + ". Please try again later.";
      }
      StringBuilder sb = new StringBuilder();
      sb.append("Right now in ").append(r.getString("place")).append(": ").append(r.getString("conditions")).append(", ")
          .append(String.format(Locale.ROOT, "%.1f", r.getDouble("temperature_c"))).append(" °C, wind ")
          .append(String.format(Locale.ROOT, "%.0f", r.getDouble("wind_kmh"))).append(" km/h, humidity ").append(r.getValue("humidity"))
          .append("%.");
      JsonArray days = r.getJsonArray("forecast", new JsonArray());
      for (int i = 0; i < days.size(); i++) {
        JsonObject d = days.getJsonObject(i);
        sb.append("\n- ").append(d.getString("date")).append(": ").append(d.getString("conditions")).append(", ")
            .append(d.getValue("min_c")).append(" to ").append(d.getValue("max_c")).append(" °C");
      }
      if (wantForecast && !forecast) {
        sb.append("\n\nForecasts are part of the premium plan; the ").append(tier.name()).append(" plan includes current weather only.");
      }
      return sb.toString();
    });
  }

  /** The answer from the usage tool's result. */
  private static String usage(JsonObject q) {
    if (q.containsKey("error")) {
      return "I can't read your usage right now; please try again in a moment.";
    }
    long dailyUsed = q.getLong("daily_used");
    long dailyLimit = q.getLong("daily_limit");
    long monthlyUsed = q.getLong("monthly_used");
    long monthlyLimit = q.getLong("monthly_limit");
    return "You have used " + dailyUsed + " of your " + dailyLimit + " messages today (" + Math.max(0, dailyLimit - dailyUsed)
        + " left) and " + monthlyUsed + " of " + monthlyLimit + " this month (" + Math.max(0, monthlyLimit - monthlyUsed)
        + " left). This message is included in the count. You have " + q.getValue("active_sessions") + " of "
        + q.getValue("session_limit") + " chat sessions open.";
  }

  /** The text split into its chunks: words, or {@code n} pieces of near-equal length when n &gt; 0. */
  static List<String> chunks(String text, int n) {
    List<String> out = new ArrayList<>();
    if (n > 0) {
      int count = Math.min(n, text.length());
      for (int i = 0; i < count; i++) {
        out.add(text.substring((int) ((long) i * text.length() / count), (int) ((long) (i + 1) * text.length() / count)));
      }
      return out;
    }
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Streams the text chunk by chunk; completes when all is sent, or at once when the turn is cancelled. */
  private Future<Void> stream(String text, Turn turn) {
    List<String> words = chunks(text, chunks);
    Promise<Void> done = Promise.promise();
    long[] timer = {-1};
    turn.sink.onCancel(() -> {
      if (timer[0] >= 0) {
        vertx.cancelTimer(timer[0]);
      }
      done.tryComplete();
    });
    Runnable[] next = new Runnable[1];
    int[] i = {0};
    next[0] = () -> {
      if (done.future().isComplete()) {
        return;
      }
      if (turn.sink.cancelled() || i[0] >= words.size()) {
        done.tryComplete();
        return;
      }
      turn.chunk(words.get(i[0]++));
      if (chunkDelayMs > 0) {
        timer[0] = vertx.setTimer(chunkDelayMs, id -> next[0].run());
      } else {
        vertx.runOnContext(v -> next[0].run());
      }
    };
    next[0].run();
    return done.future();
  }
}
