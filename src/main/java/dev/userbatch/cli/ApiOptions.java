package dev.userbatch.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the service is and the bearer token to call it with; shared by every client command. */
final class ApiOptions {
  static final String TOKEN_ENV = "USER_BATCH_TOKEN";

  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:USER_BATCH_URL:-http://localhost:8080}",
      description = "Base URL of the service (env USER_BATCH_URL; default: ${DEFAULT-VALUE})")
  URI url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:" + TOKEN_ENV + "}",
      description =
          "Bearer token (env "
              + TOKEN_ENV
              + ", which keeps it out of the process list); needs users:write to start or cancel a job")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the token from FILE (e.g. data/dev-token of a development service)")
  Path tokenFile;

  JobsClient client() {
    return new JobsClient(url, token());
  }

  private String token() {
    if (tokenFile != null) {
      try {
        return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), "cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    if (token == null || token.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "no token: pass --token, --token-file or set "
              + TOKEN_ENV
              + " (a development service writes one to DATA_DIR/dev-token)");
    }
    return token.trim();
  }
}
