package io.agentchat.gateway;

import io.agentchat.common.ErrorCode;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.EndSession;
import io.agentchat.session.SessionMessages.RenameSession;
import io.agentchat.session.SessionMessages.SearchResults;
import io.agentchat.session.SessionMessages.SearchSessions;
import io.agentchat.store.SessionRecord;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** A user's management of their chats: rename, close, delete, search. */
record SessionRoutes(HttpEdge edge, Clock clock) {
  static final int MAX_QUERY_CHARS = 200;

  void rename(RoutingContext ctx) {
    Object raw = JsonBody.of(ctx).only("title").value("title");
    String title = raw instanceof String s ? s.strip() : null;
    if (title == null || title.isEmpty() || title.length() > SessionRecord.MAX_TITLE_CHARS) {
      throw ErrorCode.INVALID_REQUEST.exception("title must be a string of 1 to " + SessionRecord.MAX_TITLE_CHARS + " characters.");
    }
    edge.call(ctx, SessionAddresses.RENAME, new RenameSession(HttpEdge.identity(ctx), ctx.pathParam("sessionId"), title.replaceAll("\\s+", " ")),
        200, (SessionRecord s) -> HttpShapes.session(s, clock.instant()));
  }

  void close(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.END, new EndSession(HttpEdge.identity(ctx), ctx.pathParam("sessionId"), false), 200,
        (SessionRecord s) -> HttpShapes.session(s, clock.instant()));
  }

  void delete(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.END, new EndSession(HttpEdge.identity(ctx), ctx.pathParam("sessionId"), true), 200,
        (Object deleted) -> new JsonObject().put("deleted", true));
  }

  void search(RoutingContext ctx) {
    java.util.List<String> qs = ctx.queryParam("q");
    String q = qs.size() == 1 ? qs.get(0) : null;
    if (q == null || q.isBlank() || q.length() > MAX_QUERY_CHARS) {
      throw ErrorCode.INVALID_REQUEST.exception("q must be given once, 1 to " + MAX_QUERY_CHARS + " characters (not only spaces).");
    }
    edge.call(ctx, SessionAddresses.SEARCH, new SearchSessions(HttpEdge.identity(ctx), q), 200, (SearchResults r) -> HttpShapes.searchResults(r));
  }
}
