# Build stage: compile, test-free package of the shaded jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY conf conf
COPY verticles verticles
COPY webroot webroot
RUN mvn -B -q -DskipTests package

# Runtime stage: a JRE, the jar, and a non-root user owning the data directory.
FROM eclipse-temurin:17-jre
RUN groupadd --system agentchat && useradd --system --gid agentchat --home-dir /app agentchat \
 && mkdir -p /app/data && chown -R agentchat:agentchat /app \
 && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/agent-chat.jar /app/agent-chat.jar
USER agentchat
ENV DATA_DIR=/app/data HTTP_HOST=0.0.0.0 HTTP_PORT=8080
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/agent-chat.jar"]
