package io.agentchat.store.dynamodb;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The SDK side of {@link Dynamo}: two async clients on one Netty HTTP client with event loops of its own.
 * {@code retrying} retries (reads, puts, deletes and conditional writes, which may safely run twice); {@code once} never
 * retries: it carries the {@code ADD}s that have no condition against being applied twice (rollups, message counts, undo
 * steps), since a repeat would count twice.
 */
record DynamoClients(DynamoDbAsyncClient retrying, DynamoDbAsyncClient once, SdkAsyncHttpClient http, EventLoopGroup loops,
                     DefaultCredentialsProvider credentials) {
  /** How long a connection to a local endpoint may stay idle in the pool: less than Node's keep-alive timeout of 5 s. */
  static final Duration LOCAL_MAX_IDLE = Duration.ofSeconds(3);

  @SuppressWarnings("deprecation")
  static DynamoClients create(DynamoConfig config) {
    Duration call = Duration.ofMillis(config.callTimeoutMs());
    // an event loop group of our own, so that closing the store does not wait out Netty's default two-second quiet period;
    // the SDK recognises only the classic group classes (deprecated in Netty 4.2, still supported)
    EventLoopGroup loops = new NioEventLoopGroup(2, new DefaultThreadFactory("dynamodb-io", true));
    NettyNioAsyncHttpClient.Builder httpBuilder = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(SdkEventLoopGroup.create(loops, NioSocketChannel::new))
        .connectionTimeout(Duration.ofMillis(Math.min(2000, config.callTimeoutMs())))
        .connectionAcquisitionTimeout(call)
        .readTimeout(call)
        .writeTimeout(call)
        .maxConcurrency(256);
    if (config.endpoint() != null) {
      // a local endpoint (DynamoDB Local, dynalite on Node) closes a connection idle for 5 s; closing it first here means a
      // request is never sent on a connection the server is closing, which a write that must not be retried cannot survive
      httpBuilder.connectionMaxIdleTime(LOCAL_MAX_IDLE);
    }
    SdkAsyncHttpClient http = httpBuilder.build();
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build();
    return new DynamoClients(client(config, http, credentials, retries), client(config, http, credentials, AwsRetryStrategy.doNotRetry()),
        http, loops, credentials);
  }

  private static DynamoDbAsyncClient client(DynamoConfig config, SdkAsyncHttpClient http, DefaultCredentialsProvider credentials,
                                            RetryStrategy retries) {
    var b = DynamoDbAsyncClient.builder()
        .httpClient(http)
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofMillis(config.callTimeoutMs()))
            .retryStrategy(retries)
            .build());
    if (config.endpoint() != null) {
      b.endpointOverride(URI.create(config.endpoint()));
    }
    return b.build();
  }

  /** Blocking. */
  void close() {
    retrying.close();
    once.close();
    http.close();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    credentials.close();
  }
}
