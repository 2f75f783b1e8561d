# ---- build stage -------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# dependencies first: this layer is reused as long as pom.xml does not change
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline

COPY src ./src
COPY conf ./conf
RUN mvn -B -DskipTests package

# ---- runtime stage -----------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# non-root user (uid/gid 10001) owning the data directory
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir -p /app/data \
 && chown -R 10001:10001 /app/data

WORKDIR /app
COPY --from=build /build/target/user-batch-service-*-fat.jar /app/app.jar
COPY --from=build /build/conf /app/conf

ENV DATA_DIR=/app/data
# A container is production: no generated development secret/token (a JWT key must be configured:
# JWT_SECRET, JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE) and no database inside the container (PG_URL and
# REDIS_URL must be set; start-up fails with a message naming them otherwise). Logs are JSON even
# under `docker run -it` (LOG_FORMAT=auto would pick text at a terminal).
ENV DEV_MODE=false \
    EMBEDDED=never \
    LOG_FORMAT=json

USER 10001:10001
EXPOSE 8080

# The JRE image has neither curl nor wget: use bash's /dev/tcp to send a real HTTP request and
# require a "HTTP/1.x 200" status line.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" >&3 && IFS= read -r -t 4 status <&3 && case "$status" in "HTTP/1."?" 200"*) exit 0 ;; *) exit 1 ;; esac'

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
