package io.agentchat.agent;

import io.agentchat.support.StandInServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * A local server that behaves like AgentCore Runtime's {@code InvokeAgentRuntime}. It checks each call as the service
 * would: the path and qualifier, the SigV4 {@code Authorization} header (algorithm, credential scope with the signing name
 * {@code bedrock-agentcore} and the region, the signed headers, and the signature recomputed from the request as received
 * with the build's static test credentials), and the runtime session id's length; a call that fails a check gets the
 * service's 403 or 400 and the problem is recorded ({@link #problems()}). It answers like a Strands agent behind
 * {@code BedrockAgentCoreApp}: server-sent events paced by timers, one every {@value #PACE_MS} ms. What it does depends on
 * the prompt:
 * <ul>
 *   <li>{@code weather}: a tool use, its result, then the answer, with usage for each of the two model calls;
 *   <li>{@code json}: one {@code application/json} reply with usage;
 *   <li>{@code plain}: plain JSON strings and {@code {"type":"text"}} events, no usage;
 *   <li>{@code agent-error} 424, {@code quota} 402, {@code deny} 403, on every call;
 *   <li>{@code throttle-first} 429 and {@code server-error-first} 500 on the first call of the prompt, then the answer;
 *   <li>{@code error-late}: a chunk, usage, then the SDK's error event; {@code malformed}: a chunk, then data that is not JSON;
 *   <li>{@code stall}: a chunk, then silence; {@code long story}: a chunk every {@value #PACE_MS} ms for ten seconds
 *       ({@link #closedEarly()} names it if the connection closes before the stream ended);
 *   <li>anything else: "Hello from AgentCore for {tenant}", streamed word by word, with usage.
 * </ul>
 */
final class AgentCoreStandIn {
  static final String ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/tenant_agent-AbC123xyz0";
  static final String PREMIUM_ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/premium_agent-ZyX987wvu0";
  static final long PACE_MS = 20;
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> MUST_SIGN = Set.of("host", "x-amz-date", "content-type",
      "x-amzn-bedrock-agentcore-runtime-session-id");

  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<String> closedEarly = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private StandInServer server;

  /** The stand-in, for {@code @RegisterExtension}: it records every call. */
  static AgentCoreStandIn create() {
    AgentCoreStandIn s = new AgentCoreStandIn();
    s.server = new StandInServer().otherwise(s::answer);
    return s;
  }

  StandInServer server() {
    return server;
  }

  /** Calls that failed a check of the service, in words (empty when every call was as the service wants it). */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /** The prompts whose streams were closed by the caller before they ended. */
  List<String> closedEarly() {
    return List.copyOf(closedEarly);
  }

  /** The calls received with this prompt. */
  List<StandInServer.Request> calls(String prompt) {
    return server.requests().stream().filter(r -> prompt.equals(r.json().getString("prompt"))).toList();
  }

  private void answer(HttpServerRequest req, Buffer body) {
    HttpServerResponse res = req.response();
    String problem = check(req, body);
    if (problem != null) {
      problems.add(problem);
      error(res, problem.startsWith("signature") ? 403 : 400, problem.startsWith("signature") ? "InvalidSignatureException" : "ValidationException",
          problem);
      return;
    }
    JsonObject payload = body.toJsonObject();
    String prompt = payload.getString("prompt", "");
    String tenant = payload.getJsonObject("tenant_context").getString("tenant_id");
    int attempt = attempts.computeIfAbsent(prompt, k -> new AtomicInteger()).incrementAndGet();
    Vertx vertx = Vertx.currentContext().owner();
    if (prompt.contains("agent-error")) {
      error(res, 424, "RuntimeClientError", "Received error (500) from runtime. ValueError: the agent broke");
    } else if (prompt.contains("quota")) {
      error(res, 402, "ServiceQuotaExceededException", "Limit maxVms exceeded");
    } else if (prompt.contains("deny")) {
      error(res, 403, "AccessDeniedException", "User is not authorized to perform: bedrock-agentcore:InvokeAgentRuntime");
    } else if (prompt.contains("throttle-first") && attempt == 1) {
      error(res, 429, "ThrottlingException", "Rate exceeded");
    } else if (prompt.contains("server-error-first") && attempt == 1) {
      error(res, 500, "InternalServerException", "Internal error");
    } else if (prompt.contains("json")) {
      vertx.setTimer(PACE_MS, id -> StandInServer.json(res, new JsonObject().put("result", "A whole reply for " + tenant)
          .put("usage", new JsonObject().put("inputTokens", 7).put("outputTokens", 5))));
    } else {
      HttpServerResponse sse = StandInServer.streaming(res, "text/event-stream")
          .putHeader(BedrockAgentCoreBackend.SESSION_HEADER, req.getHeader(BedrockAgentCoreBackend.SESSION_HEADER));
      sse.closeHandler(v -> closedEarly.add(prompt));
      List<String> events = events(prompt, tenant);
      paced(vertx, sse, events, 0, !prompt.contains("stall"));
    }
  }

  /** The service's checks of a call; null when it passes them all. */
  private static String check(HttpServerRequest req, Buffer body) {
    String path = req.path();
    if (!path.equals("/runtimes/" + ARN.replace(":", "%3A").replace("/", "%2F") + "/invocations")
        && !path.equals("/runtimes/" + PREMIUM_ARN.replace(":", "%3A").replace("/", "%2F") + "/invocations")) {
      return "path " + path + " is not an invocation of a known runtime with its ARN URL-encoded";
    }
    if (req.getParam("qualifier") == null) {
      return "no qualifier";
    }
    String session = req.getHeader(BedrockAgentCoreBackend.SESSION_HEADER);
    if (session == null || session.length() < 33 || session.length() > 256) {
      return "runtime session id must be 33 to 256 characters: " + session;
    }
    return signatureProblem(req, body);
  }

  /** Checks the SigV4 header and recomputes the signature with the test credentials (Surefire's aws.* properties). */
  private static String signatureProblem(HttpServerRequest req, Buffer body) {
    String auth = req.getHeader("Authorization");
    Matcher m = auth == null ? null : AUTHORIZATION.matcher(auth);
    if (m == null || !m.matches()) {
      return "signature: no SigV4 Authorization header: " + auth;
    }
    String date = req.getHeader("X-Amz-Date");
    if (date == null || !date.startsWith(m.group(2))) {
      return "signature: X-Amz-Date " + date + " does not match the credential scope's day " + m.group(2);
    }
    if (!m.group(1).equals("test") || !m.group(3).equals("us-east-1") || !m.group(4).equals("bedrock-agentcore")) {
      return "signature: scope is " + m.group(1) + "/" + m.group(3) + "/" + m.group(4) + ", expected test/us-east-1/bedrock-agentcore";
    }
    List<String> signed = List.of(m.group(5).split(";"));
    if (!signed.containsAll(MUST_SIGN)) {
      return "signature: signed headers " + signed + " lack some of " + MUST_SIGN;
    }
    if (!signed.equals(signed.stream().sorted().toList())) {
      return "signature: signed headers are not sorted: " + signed;
    }
    SdkHttpRequest.Builder again = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("http://" + req.getHeader("Host") + req.uri()));
    for (String h : signed) {
      if (!h.equals("host") && !h.equals("x-amz-date")) {
        if (req.getHeader(h) == null) {
          return "signature: signed header " + h + " was not sent";
        }
        again.putHeader(h, req.getHeader(h));
      }
    }
    Instant at = Instant.from(AMZ_DATE.parse(date));
    String expected = AwsV4HttpSigner.create().sign(r -> r.identity(AwsBasicCredentials.create("test", "test")).request(again.build())
            .payload(ContentStreamProvider.fromByteArray(body.getBytes()))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock-agentcore")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request().firstMatchingHeader("Authorization").orElse("");
    return expected.equals(auth) ? null : "signature: does not match the request as received (expected " + expected + ")";
  }

  private static void error(HttpServerResponse res, int status, String type, String message) {
    res.setStatusCode(status).putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazonaws.bedrockagentcore/");
    StandInServer.json(res, new JsonObject().put("message", message));
  }

  /** The stream of a prompt, each item one server-sent event. */
  private static List<String> events(String prompt, String tenant) {
    List<String> out = new ArrayList<>();
    out.add(sse(new JsonObject().put("init_event_loop", true)));
    if (prompt.contains("plain")) {
      out.add("data: \"Plain \"\n\n");
      out.add("data: \"strings \"\n\n");
      out.add(sse(new JsonObject().put("type", "text").put("data", "and text events")));
      return out;
    }
    if (prompt.contains("long story")) {
      for (int i = 0; i < 10_000 / PACE_MS; i++) {
        out.addAll(text("word" + i + " "));
      }
      return out;
    }
    if (prompt.contains("weather")) {
      JsonObject use = new JsonObject().put("toolUseId", "tooluse_1").put("name", "get_weather");
      out.add(event(new JsonObject().put("contentBlockStart", new JsonObject().put("contentBlockIndex", 0)
          .put("start", new JsonObject().put("toolUse", use.copy())))));
      out.add(event(new JsonObject().put("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", "{\"city\": \"Lis"))))));
      out.add(event(new JsonObject().put("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", "bon\"}"))))));
      out.add(event(new JsonObject().put("messageStop", new JsonObject().put("stopReason", "tool_use"))));
      out.add(usage(30, 6));
      out.add(sse(new JsonObject().put("message", new JsonObject().put("role", "assistant").put("content",
          new JsonArray().add(new JsonObject().put("toolUse", use.copy().put("input", new JsonObject().put("city", "Lisbon"))))))));
      out.add(sse(new JsonObject().put("message", new JsonObject().put("role", "user").put("content", new JsonArray().add(
          new JsonObject().put("toolResult", new JsonObject().put("toolUseId", "tooluse_1").put("status", "success")
              .put("content", new JsonArray().add(new JsonObject().put("text", "sunny, 24 C")))))))));
      for (String w : List.of("It is ", "sunny ", "in Lisbon.")) {
        out.addAll(text(w));
      }
      out.add(event(new JsonObject().put("messageStop", new JsonObject().put("stopReason", "end_turn"))));
      out.add(usage(50, 8));
      out.add(sse(message("It is sunny in Lisbon.")));
      return out;
    }
    List<String> words = prompt.contains("error-late") || prompt.contains("malformed") || prompt.contains("stall")
        ? List.of("the beginning ") : List.of("Hello ", "from ", "AgentCore ", "for ", tenant);
    out.add(event(new JsonObject().put("messageStart", new JsonObject().put("role", "assistant"))));
    words.forEach(w -> out.addAll(text(w)));
    if (prompt.contains("error-late")) {
      out.add(usage(12, 3));
      out.add(sse(new JsonObject().put("error", "RuntimeError: the tool crashed").put("error_type", "RuntimeError")
          .put("message", "An error occurred during streaming")));
      return out;
    }
    if (prompt.contains("malformed")) {
      out.add("data: {\"event\": {\"contentBlockDelta\": \n\n");
      return out;
    }
    if (prompt.contains("stall")) {
      return out;
    }
    out.add(event(new JsonObject().put("messageStop", new JsonObject().put("stopReason", "end_turn"))));
    out.add(usage(21, 9));
    out.add(sse(message(String.join("", words))));
    return out;
  }

  /** A streamed piece of text as Strands sends it: the model's delta, then its own callback copy (which must not show twice). */
  private static List<String> text(String piece) {
    return List.of(event(new JsonObject().put("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
            .put("delta", new JsonObject().put("text", piece)))),
        sse(new JsonObject().put("data", piece).put("delta", new JsonObject().put("text", piece))));
  }

  private static String usage(int in, int out) {
    return event(new JsonObject().put("metadata", new JsonObject().put("usage", new JsonObject().put("inputTokens", in)
        .put("outputTokens", out).put("totalTokens", in + out)).put("metrics", new JsonObject().put("latencyMs", 120))));
  }

  private static JsonObject message(String text) {
    return new JsonObject().put("message", new JsonObject().put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("text", text))));
  }

  private static String event(JsonObject e) {
    return sse(new JsonObject().put("event", e));
  }

  private static String sse(JsonObject data) {
    return "data: " + data.encode() + "\n\n";
  }

  /** Writes the events one every {@value #PACE_MS} ms, then ends the response (unless {@code end} is false). */
  private static void paced(Vertx vertx, HttpServerResponse res, List<String> events, int next, boolean end) {
    if (res.closed() || res.ended()) {
      return;
    }
    if (next == events.size()) {
      if (end) {
        res.end();
      }
      return;
    }
    res.write(events.get(next));
    vertx.setTimer(PACE_MS, id -> paced(vertx, res, events, next + 1, end));
  }
}
