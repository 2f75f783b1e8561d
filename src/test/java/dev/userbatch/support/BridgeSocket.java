package dev.userbatch.support;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A blocking client of the TCP event-bus bridge for tests: frames are a 4-byte big-endian length
 * and that many bytes of UTF-8 JSON.
 */
public final class BridgeSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public BridgeSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static BridgeSocket connect(String host, int port) throws IOException {
    return connect(host, port, null);
  }

  /** A connection from {@code localAddress} (e.g. 127.1.2.3), or from any address when null. */
  public static BridgeSocket connect(String host, int port, String localAddress)
      throws IOException {
    Socket socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(new InetSocketAddress(host, port), 5_000);
    return new BridgeSocket(socket);
  }

  public void send(JsonObject frame) throws IOException {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    sendRaw(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * The next frame, or null when none arrives within {@code timeoutMs}; EOFException when closed.
   */
  public JsonObject read(long timeoutMs) throws IOException {
    socket.setSoTimeout((int) timeoutMs);
    int length;
    try {
      length = in.readInt();
    } catch (SocketTimeoutException e) {
      return null;
    }
    socket.setSoTimeout(10_000);
    byte[] json = new byte[length];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }

  /** Reads frames until one matches, failing when none does within {@code timeoutMs}. */
  public JsonObject readUntil(Predicate<JsonObject> wanted, long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      JsonObject frame = read(Math.max(1, deadline - System.currentTimeMillis()));
      if (frame != null && wanted.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("no matching frame within " + timeoutMs + " ms");
  }

  /**
   * True when the server closes the connection within {@code timeoutMs} (frames before are
   * skipped).
   */
  public boolean closedWithin(long timeoutMs) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      try {
        if (in.read() < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (EOFException | SocketException e) {
        return true;
      }
    }
    return false;
  }

  /** Sends a ping and waits for the pong: the connection works. */
  public boolean pings() throws IOException {
    send(new JsonObject().put("type", "ping"));
    return readUntil(frame -> "pong".equals(frame.getString("type")), 5_000) != null;
  }

  public void register(String address, String token) throws IOException {
    send(
        new JsonObject()
            .put("type", "register")
            .put("address", address)
            .put("headers", new JsonObject().put("authorization", "Bearer " + token)));
  }

  /** Sends a request; returns its reply address (the reply or err frame carries it as address). */
  public String request(String address, JsonObject body, JsonObject headers) throws IOException {
    String replyAddress = UUID.randomUUID().toString();
    send(
        new JsonObject()
            .put("type", "send")
            .put("address", address)
            .put("replyAddress", replyAddress)
            .put("headers", headers)
            .put("body", body));
    return replyAddress;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
