package io.agentchat.gateway;

import io.agentchat.common.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads and checks a JSON request body; every problem is an invalid_request with a message naming the field. */
final class JsonBody {
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  static JsonBody of(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw ErrorCode.INVALID_REQUEST.exception("A JSON object body is required.");
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(text);
      if (!(v instanceof JsonObject o)) {
        throw ErrorCode.INVALID_REQUEST.exception("The body must be a JSON object.");
      }
      return new JsonBody(o);
    } catch (DecodeException e) {
      throw ErrorCode.INVALID_REQUEST.exception("The body is not valid JSON.");
    }
  }

  static JsonBody of(Object body) {
    if (!(body instanceof JsonObject o)) {
      throw ErrorCode.INVALID_REQUEST.exception("The body must be a JSON object.");
    }
    return new JsonBody(o);
  }

  /** Refuses any field but {@code fields}: a misspelt key must not pass for an absent one. */
  JsonBody only(String... fields) {
    java.util.List<String> known = java.util.List.of(fields);
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        throw ErrorCode.INVALID_REQUEST.exception(name + " is not a field of this request (it takes " + String.join(", ", known) + ").");
      }
    }
    return this;
  }

  /** Whether the body names the field, even as null. */
  boolean has(String field) {
    return json.containsKey(field);
  }

  /** A field as it is, of whatever JSON type (null when absent). */
  Object value(String field) {
    return json.getValue(field);
  }

  /** A field when it is a string, else null (for alternatives such as {@code user_id} or {@code email}). */
  String stringOrNull(String field) {
    return json.getValue(field) instanceof String s ? s : null;
  }

  String required(String field) {
    String v = optional(field);
    if (v == null || v.isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception(field + " is required.");
    }
    return v;
  }

  String optional(String field) {
    return typed(field, String.class, "a string");
  }

  /**
   * An optional whole number in [min, max] (null when absent); anything else is an invalid request naming the field, its
   * range and {@code note} (what absence means, say).
   */
  Integer wholeNumber(String field, int min, int max, String note) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw ErrorCode.INVALID_REQUEST.exception(field + " must be a whole number from " + min + " to " + max + note + ".");
    }
    return v == null ? null : ((Number) v).intValue();
  }

  /** An optional flag: absent is false. */
  boolean bool(String field) {
    return Boolean.TRUE.equals(typed(field, Boolean.class, "true or false"));
  }

  /** A field that is absent (null) or of the given JSON type; anything else is an invalid request naming the field. */
  private <T> T typed(String field, Class<T> type, String what) {
    Object v = json.getValue(field);
    if (v != null && !type.isInstance(v)) {
      throw ErrorCode.INVALID_REQUEST.exception(field + " must be " + what + ".");
    }
    return type.cast(v);
  }
}
