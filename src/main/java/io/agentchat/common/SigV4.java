package io.agentchat.common;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SigV4 for a call made with the Vert.x HTTP client instead of an AWS SDK client: the SDK's own {@link AwsV4HttpSigner}
 * with credentials from the SDK's default chain (environment, profile, instance or task role). Resolving credentials may
 * block (a profile file, the instance metadata service), so it and the signing run on a worker thread.
 */
public final class SigV4 implements AutoCloseable {
  private final Vertx vertx;
  private final String service;
  private final String region;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();

  /** {@code service}: the signing name (e.g. {@code cognito-idp}, {@code bedrock-agentcore}). */
  public SigV4(Vertx vertx, String service, String region) {
    this.vertx = vertx;
    this.service = service;
    this.region = region;
  }

  /**
   * The headers that sign a request of {@code method} to {@code uri} (already percent-encoded as it is sent) with
   * {@code headers} and {@code payload}: the given headers, {@code X-Amz-Date}, {@code X-Amz-Security-Token} with temporary
   * credentials, and {@code Authorization}. Host is left out, the HTTP client sends it.
   */
  public Future<MultiMap> sign(SdkHttpMethod method, URI uri, Map<String, String> headers, byte[] payload) {
    return vertx.executeBlocking(() -> {
      AwsCredentials creds = credentials.resolveCredentials();
      SdkHttpRequest.Builder req = SdkHttpRequest.builder().method(method).uri(uri);
      headers.forEach(req::putHeader);
      SignedRequest signed = signer.sign(r -> r.identity(creds).request(req.build())
          .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
          .putProperty(AwsV4HttpSigner.REGION_NAME, region));
      MultiMap out = MultiMap.caseInsensitiveMultiMap();
      signed.request().forEachHeader((k, v) -> {
        if (!k.equalsIgnoreCase("Host")) {
          v.forEach(x -> out.add(k, x));
        }
      });
      return out;
    }, false);
  }

  @Override
  public void close() {
    credentials.close();
  }
}
