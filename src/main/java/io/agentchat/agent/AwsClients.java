package io.agentchat.agent;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockagentruntime.model.BadGatewayException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;

/**
 * The AWS SDK clients of the Bedrock backends: the configured region and endpoint (a VPC endpoint or a stand-in), a 5 s
 * connect timeout, and the SDK's own retry off ({@link RetryPolicy} decides, because a retry must not replay a stream);
 * and what the Bedrock services' failures mean.
 */
final class AwsClients {
  static final String THROTTLED = "The model service is busy (throttled); please try again shortly.";
  private static final List<Class<? extends Throwable>> THROTTLING = List.of(
      software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException.class,
      software.amazon.awssdk.services.bedrockagentruntime.model.ThrottlingException.class);
  /** Worth another try: throttling, a server error, a model not ready yet, a connection problem. */
  private static final List<Class<? extends Throwable>> RETRYABLE = List.of(
      software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException.class,
      software.amazon.awssdk.services.bedrockruntime.model.InternalServerException.class,
      ServiceUnavailableException.class,
      software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException.class,
      software.amazon.awssdk.services.bedrockagentruntime.model.ThrottlingException.class,
      software.amazon.awssdk.services.bedrockagentruntime.model.InternalServerException.class,
      BadGatewayException.class,
      software.amazon.awssdk.services.bedrockagentruntime.model.ModelNotReadyException.class,
      SdkClientException.class);

  private AwsClients() {
  }

  static <B extends AwsClientBuilder<B, C> & AwsAsyncClientBuilder<B, C>, C> C build(B builder, String region, String endpoint,
                                                                                    NettyNioAsyncHttpClient.Builder http) {
    builder.region(Region.of(region))
        .httpClientBuilder(http.connectionTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /** A throttled call asks the user to try again shortly; any other failure reads "{@code what}: the service's message". */
  static ToolLoop.Failures failures(String what) {
    return new ToolLoop.Failures(t -> RETRYABLE.stream().anyMatch(c -> c.isInstance(t)),
        t -> THROTTLING.stream().anyMatch(c -> c.isInstance(t)) ? THROTTLED : ToolLoop.describe(what, t));
  }
}
