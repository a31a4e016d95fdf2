package io.agentchat.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local HTTP server on 127.0.0.1 standing in for an outside service (a model API, a user pool's JWKS, an OTLP
 * collector, a weather API). It reads each request's body whole, records the request, and hands it to the responder of
 * its path (exact match), else to the fallback responder, else answers 404. Responders may stream ({@link #streaming},
 * {@link #sse}) or never answer at all.
 *
 * <p>Two ways to run it: as a class-wide JUnit extension on a Vert.x of its own
 * ({@code @RegisterExtension static final StandInServer model = new StandInServer().otherwise(...)}, or {@link #start()}
 * by hand), or on the test's own Vert.x with {@link #listen(Vertx, int)} and {@link #stop()}.
 */
public final class StandInServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** What a responder gets: the request (its body already read, the response not yet sent) and that body. */
  @FunctionalInterface
  public interface Responder {
    void respond(HttpServerRequest req, Buffer body);
  }

  /** A request as it was received: method, path (percent-decoded), headers, query parameters and body. */
  public record Request(HttpMethod method, String path, MultiMap headers, MultiMap params, Buffer body) {
    public JsonObject json() {
      return body.toJsonObject();
    }

    public String header(String name) {
      return headers.get(name);
    }
  }

  private final Map<String, Responder> routes = new LinkedHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private Responder fallback = (req, body) -> req.response().setStatusCode(404).end();
  private Vertx ownVertx;
  private HttpServer server;

  /** A stand-in answering every path with {@code responder}, started on a Vert.x of its own (blocking: for {@code @BeforeAll}). */
  public static StandInServer start(Responder responder) throws Exception {
    return new StandInServer().otherwise(responder).start();
  }

  /** Answers requests to {@code path} with {@code responder}. */
  public StandInServer on(String path, Responder responder) {
    routes.put(path, responder);
    return this;
  }

  /** Answers requests to every other path with {@code responder} (instead of 404). */
  public StandInServer otherwise(Responder responder) {
    this.fallback = responder;
    return this;
  }

  /** Listens on a free port on a Vert.x of its own and returns once it does; {@link #close()} stops both. */
  public StandInServer start() throws Exception {
    ownVertx = Vertx.vertx();
    listen(ownVertx, 0).await(10, TimeUnit.SECONDS);
    return this;
  }

  /** Listens on {@code port} (0 for a free one) on the caller's Vert.x. */
  public Future<StandInServer> listen(Vertx vertx, int port) {
    return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      // percent-decoding only ('+' is a plus sign in a path)
      String path = URLDecoder.decode(req.path().replace("+", "%2B"), StandardCharsets.UTF_8);
      requests.add(new Request(req.method(), path, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
          MultiMap.caseInsensitiveMultiMap().addAll(req.params()), body));
      routes.getOrDefault(path, fallback).respond(req, body);
    });
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Every request received so far, in order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The latest request received. */
  public Request last() {
    return requests.get(requests.size() - 1);
  }

  /** The requests received so far on {@code path}, in order. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Stops listening (the Vert.x it runs on is the caller's, or closed by {@link #close()}). */
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  @Override
  public void close() throws Exception {
    if (ownVertx != null) {
      ownVertx.close().await(10, TimeUnit.SECONDS);
      ownVertx = null;
    } else {
      stop().await(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /** Ends the response with {@code body} as {@code application/json}. */
  public static void json(HttpServerResponse res, JsonObject body) {
    res.putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Starts a chunked response of {@code contentType}, for a responder that writes its parts as they come. */
  public static HttpServerResponse streaming(HttpServerResponse res, String contentType) {
    return res.setChunked(true).putHeader("Content-Type", contentType);
  }

  /** Writes one server-sent event carrying {@code data} as JSON. */
  public static void sse(HttpServerResponse res, JsonObject data) {
    res.write("data: " + data.encode() + "\n\n");
  }
}
