package dev.userbatch.batch;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * A chunk that failed as a whole, as a worker answers it: the {@link ErrorCode} by name (never its
 * ordinal, so that nodes of different builds agree) and the message for the caller. A worker
 * replies with it ({@code message.reply(failure)}); the coordinator's request then fails with it.
 */
public final class ChunkFailure extends ReplyException {
  private final ErrorCode code;

  public ChunkFailure(ErrorCode code, String message) {
    super(ReplyFailure.RECIPIENT_FAILURE, -1, message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  JsonObject toJson() {
    return new JsonObject().put("code", code.name()).put("message", getMessage());
  }

  static ChunkFailure fromJson(JsonObject json) {
    return new ChunkFailure(ErrorCode.valueOf(json.getString("code")), json.getString("message"));
  }
}
