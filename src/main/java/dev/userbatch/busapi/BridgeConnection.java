package dev.userbatch.busapi;

import dev.userbatch.batch.Operation;
import dev.userbatch.outbox.OutboxRelayVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * One client of the TCP bridge: reads its frames ({@code send}, {@code publish}, {@code register},
 * {@code unregister}, {@code ping}), has each authorized by the {@link Guard}, and forwards it.
 * Frames are handled in arrival order (a {@code register} is in place before the next frame is
 * read); at most one consumer per address, whatever the number of {@code register} frames; a
 * registration ends when the token that made it expires.
 */
final class BridgeConnection {
  static final String OUTBOUND = OutboxRelayVerticle.ADDRESS;

  /** Frames read but not yet dispatched before the socket stops being read. */
  private static final int MAX_QUEUED_FRAMES = 16;

  /**
   * Checks the token of a frame to {@code address}; the headers to forward, and when they expire.
   */
  interface Guard {
    Future<Grant> authorize(JsonObject frame, String address, NetSocket socket);
  }

  /**
   * An authorized frame: the headers to pass on, and the token's expiry (epoch ms; MAX_VALUE:
   * none).
   */
  record Grant(JsonObject headers, long expiresAtMillis) {}

  private record Registration(MessageConsumer<Object> consumer, long expiryTimer) {}

  private final Vertx vertx;
  private final NetSocket socket;
  private final Guard guard;
  private final Map<String, Registration> registrations = new HashMap<>();
  private Future<Void> previous = Future.succeededFuture();
  private int queued;
  private boolean closed;

  BridgeConnection(Vertx vertx, NetSocket socket, int maxFrameBytes, Guard guard) {
    this.vertx = vertx;
    this.socket = socket;
    this.guard = guard;
    socket.handler(new BridgeFrames.Reader(maxFrameBytes, this::enqueue, this::violation));
  }

  private void violation(String problem) {
    if (problem.equals(BridgeFrames.FRAME_TOO_LARGE)) {
      socket.end(BridgeFrames.encode(BridgeFrames.error(problem)));
    } else {
      write(BridgeFrames.error(problem));
    }
  }

  /** The frame is handled once the ones before it are; a client far ahead stops being read. */
  private void enqueue(JsonObject frame) {
    if (++queued == MAX_QUEUED_FRAMES) {
      socket.pause();
    }
    previous =
        previous
            .transform(ignored -> dispatch(frame))
            .onComplete(
                done -> {
                  if (queued-- == MAX_QUEUED_FRAMES && !closed) {
                    socket.resume();
                  }
                });
  }

  private Future<Void> dispatch(JsonObject frame) {
    if (closed) {
      return Future.succeededFuture();
    }
    String type = frame.getValue("type") instanceof String t ? t : "";
    if (type.equals("ping")) {
      write(new JsonObject().put("type", "pong"));
      return Future.succeededFuture();
    }
    if (!type.equals("send")
        && !type.equals("publish")
        && !type.equals("register")
        && !type.equals("unregister")) {
      write(BridgeFrames.error("unknown_type"));
      return Future.succeededFuture();
    }
    if (!(frame.getValue("address") instanceof String address)) {
      write(BridgeFrames.error("missing_address"));
      return Future.succeededFuture();
    }
    // In: the event-bus API address of an operation of the table; out: the events.
    boolean permitted =
        type.equals("send") || type.equals("publish")
            ? Operation.fromApiAddress(address).isPresent()
            : address.equals(OUTBOUND);
    if (!permitted) {
      write(BridgeFrames.error("access_denied"));
      return Future.succeededFuture();
    }
    if (type.equals("unregister")) {
      unregister(address);
      return Future.succeededFuture();
    }
    return guard
        .authorize(frame, address, socket)
        .onFailure(refused -> write(BridgeFrames.error(refused.getMessage())))
        .onSuccess(
            grant -> {
              if (closed) {
                return;
              }
              switch (type) {
                case "register" -> register(address, grant);
                case "publish" ->
                    vertx
                        .eventBus()
                        .publish(address, frame.getValue("body"), delivery(frame, grant));
                default -> send(frame, address, grant);
              }
            })
        .mapEmpty();
  }

  private static DeliveryOptions delivery(JsonObject frame, Grant grant) {
    DeliveryOptions options = new DeliveryOptions();
    grant
        .headers()
        .forEach(header -> options.addHeader(header.getKey(), String.valueOf(header.getValue())));
    Object timeout = frame.getJsonObject("headers", new JsonObject()).getValue("timeout");
    if (timeout instanceof Number ms && ms.longValue() > 0) {
      options.setSendTimeout(ms.longValue());
    }
    return options;
  }

  private void send(JsonObject frame, String address, Grant grant) {
    EventBus eventBus = vertx.eventBus();
    Object body = frame.getValue("body");
    if (!(frame.getValue("replyAddress") instanceof String replyAddress)) {
      eventBus.send(address, body, delivery(frame, grant));
      return;
    }
    eventBus
        .request(address, body, delivery(frame, grant))
        .onComplete(
            reply -> {
              if (reply.succeeded()) {
                write(message(replyAddress, reply.result()).put("send", true));
              } else if (reply.cause() instanceof ReplyException failure) {
                write(
                    new JsonObject()
                        .put("type", "err")
                        .put("address", replyAddress)
                        .put("sourceAddress", address)
                        .put("failureCode", failure.failureCode())
                        .put("failureType", failure.failureType().name())
                        .put("message", failure.getMessage()));
              } else {
                write(
                    BridgeFrames.error(String.valueOf(reply.cause().getMessage()))
                        .put("address", replyAddress));
              }
            });
  }

  private static JsonObject message(String address, Message<Object> message) {
    JsonObject headers = new JsonObject();
    message.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
    JsonObject frame =
        new JsonObject().put("type", "message").put("address", address).put("headers", headers);
    if (message.body() != null) {
      frame.put("body", message.body());
    }
    return frame;
  }

  /** A second register for the address keeps the one consumer and takes the new token's expiry. */
  private void register(String address, Grant grant) {
    Registration existing = registrations.remove(address);
    MessageConsumer<Object> consumer;
    if (existing != null) {
      vertx.cancelTimer(existing.expiryTimer());
      consumer = existing.consumer();
    } else {
      consumer = vertx.eventBus().consumer(address, this::deliver);
    }
    long timer =
        grant.expiresAtMillis() == Long.MAX_VALUE
            ? -1
            : vertx.setTimer(
                Math.max(1, grant.expiresAtMillis() - System.currentTimeMillis()),
                id -> expire(address));
    registrations.put(address, new Registration(consumer, timer));
  }

  private void deliver(Message<Object> event) {
    if (closed) {
      return;
    }
    // A client that does not read its events would make the server buffer them without end.
    if (socket.writeQueueFull()) {
      socket.end(BridgeFrames.encode(BridgeFrames.error("slow_consumer")));
      return;
    }
    write(message(event.address(), event).put("send", event.isSend()));
  }

  private void expire(String address) {
    Registration registration = registrations.remove(address);
    if (registration != null) {
      registration.consumer().unregister();
      write(BridgeFrames.error("token_expired").put("address", address));
    }
  }

  private void unregister(String address) {
    Registration registration = registrations.remove(address);
    if (registration == null) {
      write(BridgeFrames.error("unknown_address"));
      return;
    }
    vertx.cancelTimer(registration.expiryTimer());
    registration.consumer().unregister();
  }

  private void write(JsonObject frame) {
    if (!closed) {
      socket.write(BridgeFrames.encode(frame));
    }
  }

  /** The socket closed: its consumers and timers go with it. */
  void closed() {
    closed = true;
    registrations
        .values()
        .forEach(
            registration -> {
              vertx.cancelTimer(registration.expiryTimer());
              registration.consumer().unregister();
            });
    registrations.clear();
  }
}
