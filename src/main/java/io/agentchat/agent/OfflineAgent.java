package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.AppException;
import io.agentchat.common.TokenEstimate;
import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded agent: no model, deterministic answers, streamed word by word at a configurable pace. It says what it is,
 * and it uses real tools: the weather (gated by tier) and the user's own quota. Tokens are estimated locally.
 */
public final class OfflineAgent implements AgentBackend {
  public static final String MODEL = "offline";
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

  private final Vertx vertx;
  private final TierCatalog tiers;
  private final AgentTools tools;
  private final WeatherTool weather;
  private final long chunkDelayMs;
  private final int chunks;

  /** {@code chunks}: 0 streams one chunk a word; n &gt; 0 streams the reply in exactly n chunks (fewer only if shorter). */
  public OfflineAgent(Vertx vertx, TierCatalog tiers, AgentTools tools, long chunkDelayMs, int chunks) {
    this.vertx = vertx;
    this.tiers = tiers;
    this.tools = tools;
    this.weather = tools.weather();
    this.chunkDelayMs = chunkDelayMs;
    this.chunks = chunks;
  }

  @Override
  public String name() {
    return "offline";
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  @Override
  public Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    String msg = req.message();
    List<String> tools = new ArrayList<>();
    Future<String> answer;
    if (WEATHER.matcher(msg).find()) {
      sink.trace("plan", new JsonObject().put("intent", "weather").put("text", "Look up the weather with the weather tool."));
      answer = weather(req, sink, tools);
    } else if (USAGE.matcher(msg).find()) {
      sink.trace("plan", new JsonObject().put("intent", "usage").put("text", "Read the user's quota with the usage tool."));
      answer = usage(req, sink, tools);
    } else {
      sink.trace("plan", new JsonObject().put("intent", "answer").put("text", "Answer directly; no tool needed."));
      answer = Future.succeededFuture(general(msg));
    }
    return answer.compose(text -> stream(text, sink)).map(produced -> {
      boolean cancelled = sink.cancelled();
      if (!cancelled) {
        sink.trace("final", new JsonObject().put("output_chars", produced.length()));
      }
      return new AgentResult(cancelled ? "cancelled" : "completed", produced, TokenEstimate.of(msg), TokenEstimate.of(produced), true, MODEL,
          tools, null);
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

  private Future<String> weather(AgentRequest req, Sink sink, List<String> tools) {
    Tier tier = tiers.require(req.identity().tier());
    if (!tier.weatherCurrent()) {
      sink.trace("observation", new JsonObject().put("tool", "weather").put("result", "tool_not_in_tier"));
      return Future.succeededFuture("The weather tool is not part of the " + tier.name() + " plan. The advanced plan includes "
          + "current weather and the premium plan adds a forecast; your organisation's admin can change the plan.");
    }
    Matcher m = CITY.matcher(req.message());
    if (!m.find()) {
      return Future.succeededFuture("Which city do you mean? Ask for example \"What's the weather in Lisbon?\"");
    }
    String city = m.group(1).strip();
    boolean wantForecast = FORECAST.matcher(req.message()).find();
    boolean forecast = wantForecast && tier.weatherForecast();
    tools.add("weather");
    sink.trace("tool_call", new JsonObject().put("tool", "weather").put("input", new JsonObject().put("city", city).put("forecast", forecast)));
    return weather.lookup(city, forecast).map(r -> {
      sink.trace("observation", new JsonObject().put("tool", "weather").put("output", new JsonObject()
          .put("place", r.place()).put("temperature_c", r.temperatureC()).put("conditions", r.conditions())));
      StringBuilder sb = new StringBuilder();
      sb.append("Right now in ").append(r.place()).append(": ").append(r.conditions()).append(", ")
          .append(String.format(Locale.ROOT, "%.1f", r.temperatureC())).append(" °C, wind ")
          .append(String.format(Locale.ROOT, "%.0f", r.windKmh())).append(" km/h, humidity ").append(r.humidity()).append("%.");
      for (int i = 0; i < r.forecast().size(); i++) {
        JsonObject d = r.forecast().getJsonObject(i);
        sb.append("\n- ").append(d.getString("date")).append(": ").append(d.getString("conditions")).append(", ")
            .append(d.getValue("min_c")).append(" to ").append(d.getValue("max_c")).append(" °C");
      }
      if (wantForecast && !forecast) {
        sb.append("\n\nForecasts are part of the premium plan; the ").append(tier.name()).append(" plan includes current weather only.");
      }
      return sb.toString();
    }).recover(t -> {
      String why = t instanceof AppException a && a.code() == io.agentchat.common.ErrorCode.NOT_FOUND ? a.getMessage()
          : "The weather service can't be reached right now, so I can't tell you the weather in " + city + ". Please try again later.";
      sink.trace("observation", new JsonObject().put("tool", "weather").put("error", why));
      return Future.succeededFuture(why);
    });
  }

  private Future<String> usage(AgentRequest req, Sink sink, List<String> tools) {
    tools.add("usage");
    sink.trace("tool_call", new JsonObject().put("tool", "usage").put("input", new JsonObject()));
    return this.tools.quota(req.identity())
        .map(q -> {
          sink.trace("observation", new JsonObject().put("tool", "usage").put("output", q.toFrame().copy().put("type", "usage")));
          return "You have used " + q.dailyUsed() + " of your " + q.dailyLimit() + " messages today (" + Math.max(0, q.dailyLimit() - q.dailyUsed())
              + " left) and " + q.monthlyUsed() + " of " + q.monthlyLimit() + " this month (" + Math.max(0, q.monthlyLimit() - q.monthlyUsed())
              + " left). This message is included in the count. You have " + q.activeSessions() + " of " + q.sessionLimit()
              + " chat sessions open.";
        })
        .recover(t -> Future.succeededFuture("I can't read your usage right now; please try again in a moment."));
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

  /** Streams the text chunk by chunk; completes with what was actually sent (less than the text when cancelled). */
  private Future<String> stream(String text, Sink sink) {
    List<String> words = chunks(text, chunks);
    Promise<String> done = Promise.promise();
    StringBuilder sent = new StringBuilder();
    long[] timer = {-1};
    sink.onCancel(() -> {
      if (timer[0] >= 0) {
        vertx.cancelTimer(timer[0]);
      }
      done.tryComplete(sent.toString());
    });
    Runnable[] next = new Runnable[1];
    int[] i = {0};
    next[0] = () -> {
      if (done.future().isComplete()) {
        return;
      }
      if (sink.cancelled() || i[0] >= words.size()) {
        done.tryComplete(sent.toString());
        return;
      }
      String w = words.get(i[0]++);
      sent.append(w);
      sink.chunk(w);
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
