package dev.userbatch.cli;

import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} line by line (as the HTML standard parses it): {@code event:}
 * names the event, {@code data:} lines are joined with newlines, a blank line dispatches, lines
 * starting with {@code :} are comments.
 */
final class ServerSentEvents {
  /** One dispatched event; {@code name} is "message" when the stream named none. */
  record Event(String name, String data) {}

  private final Consumer<Event> sink;
  private String name = "";
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  ServerSentEvents(Consumer<Event> sink) {
    this.sink = sink;
  }

  void line(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> name = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      default -> {
        // id, retry and unknown fields: this client does not reconnect by event id
      }
    }
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new Event(name.isEmpty() ? "message" : name, data.toString()));
    }
    name = "";
    data.setLength(0);
    hasData = false;
  }
}
