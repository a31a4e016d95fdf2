package io.agentchat.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;

/** Converts Vert.x JSON to the AWS SDK's {@link Document} (tool schemas, tool inputs and results sent to Converse). */
final class Documents {
  private Documents() {
  }

  static Document of(Object json) {
    if (json == null) {
      return Document.fromNull();
    }
    if (json instanceof JsonObject o) {
      Map<String, Document> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), of(e.getValue())));
      return Document.fromMap(m);
    }
    if (json instanceof JsonArray a) {
      List<Document> l = new ArrayList<>();
      a.forEach(v -> l.add(of(v)));
      return Document.fromList(l);
    }
    if (json instanceof String s) {
      return Document.fromString(s);
    }
    if (json instanceof Boolean b) {
      return Document.fromBoolean(b);
    }
    if (json instanceof Number n) {
      return Document.fromNumber(SdkNumber.fromBigDecimal(new BigDecimal(n.toString())));
    }
    return Document.fromString(String.valueOf(json));
  }
}
