#!/usr/bin/env python3
"""A polyglot client of the user-batch-service TCP event-bus bridge, standard library only.

Usage: bridge_client.py HOST PORT TOKEN [READ_ONLY_TOKEN]

TOKEN needs the scopes users:read and users:write; READ_ONLY_TOKEN (optional) only users:read.
The client registers to users.events, creates three users, looks them up, waits for the
USERS_BATCH_CREATED event naming them, tries a few frames the bridge must refuse, and prints one
JSON summary on stdout.

Frames are a 4-byte big-endian length followed by that many bytes of UTF-8 JSON, e.g.
  {"type": "send", "address": "users.batch.create", "replyAddress": "<uuid>",
   "headers": {"authorization": "Bearer <jwt>"}, "body": {...}}
Replies: {"type": "message", "address": "<replyAddress>", "body": ...}; refusals and failures:
{"type": "err", ...}.
"""

import json
import socket
import struct
import sys
import time
import uuid


class Bridge:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.buffer = b""
        self.events = []      # messages published on users.events
        self.replies = {}     # replyAddress -> message or err frame
        self.errors = []      # err frames that answer no reply address
        self.pending = set()  # reply addresses of requests sent

    def send(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def _read_frame(self, deadline):
        while len(self.buffer) < 4 or len(self.buffer) < 4 + struct.unpack(">I", self.buffer[:4])[0]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            self.buffer += chunk
        length = struct.unpack(">I", self.buffer[:4])[0]
        frame = json.loads(self.buffer[4:4 + length].decode("utf-8"))
        self.buffer = self.buffer[4 + length:]
        return frame

    def pump(self, until, timeout):
        """Reads frames until until() is true or the timeout passes; returns until()."""
        deadline = time.monotonic() + timeout
        while not until():
            frame = self._read_frame(deadline)
            if frame is None:
                break
            address = frame.get("address")
            if frame.get("type") == "message" and address == "users.events":
                self.events.append(frame.get("body"))
            elif address is not None and address in self.pending:
                self.replies[address] = frame
            else:
                self.errors.append(frame)
        return until()

    def request(self, address, body, headers, timeout=30):
        """Sends with a reply address; the reply frame, or the err frame that refused it."""
        reply_address = str(uuid.uuid4())
        self.pending.add(reply_address)
        errors_before = len(self.errors)
        self.send({"type": "send", "address": address, "replyAddress": reply_address,
                   "headers": headers, "body": body})
        self.pump(lambda: reply_address in self.replies or len(self.errors) > errors_before, timeout)
        if reply_address in self.replies:
            return self.replies[reply_address]
        if len(self.errors) > errors_before:
            return self.errors[-1]
        return None

    def register(self, address, headers, refusal_wait=1.0):
        """Registers; an err frame when refused (waits refusal_wait seconds for one), else None."""
        errors_before = len(self.errors)
        self.send({"type": "register", "address": address, "headers": headers})
        self.pump(lambda: len(self.errors) > errors_before, refusal_wait)
        return self.errors[-1] if len(self.errors) > errors_before else None


def bearer(token):
    return {"authorization": "Bearer " + token}


def users(tag, count):
    run = uuid.uuid4().hex[:10]
    return [{"email": "%s-%s-%d@example.com" % (tag, run, i), "name": "Py %d" % i,
             "password": "python-bridge-password-%d" % i} for i in range(count)]


def main():
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    read_only = sys.argv[4] if len(sys.argv) > 4 else None
    bridge = Bridge(host, port)
    summary = {"refused": {}}

    # registering without a token is refused; with a read token it is accepted
    summary["refused"]["registerWithoutToken"] = bridge.register("users.events", {})
    summary["registerError"] = bridge.register("users.events", bearer(token))

    # the batch: create three users, look them up
    correlation_id = "py-" + str(uuid.uuid4())
    headers = dict(bearer(token), correlationId=correlation_id, actor="spoofed-by-client")
    created = bridge.request("users.batch.create",
                             {"users": users("py-bridge", 3), "options": {"chunkSize": 2}}, headers)
    summary["createReply"] = created
    ids = [u["id"] for u in (created or {}).get("body", {}).get("data", [])] if created else []
    summary["createdIds"] = ids
    summary["correlationId"] = correlation_id
    looked_up = bridge.request("users.batch.lookup", {"ids": ids}, bearer(read_only or token))
    summary["lookupReply"] = looked_up

    # header names are case-insensitive: "Authorization" works, and an "Actor" header cannot
    # override the actor, which the bridge sets from the token
    capital_correlation_id = "py-" + str(uuid.uuid4())
    summary["capitalActorCorrelationId"] = capital_correlation_id
    summary["capitalActorReply"] = bridge.request(
        "users.batch.last-login", {"userIds": ids},
        {"Authorization": "Bearer " + token, "correlationId": capital_correlation_id, "Actor": "spoofed-capital"})

    # the event naming them arrives on users.events
    def created_event():
        return next((e for e in bridge.events if e.get("type") == "USERS_BATCH_CREATED"
                     and sorted(e.get("userIds", [])) == sorted(ids)), None)
    bridge.pump(lambda: created_event() is not None, 15)
    summary["createdEvent"] = created_event()

    # frames the bridge must refuse; none of these users may be created
    refused_emails = {}
    attempts = [
        ("createWithoutToken", "users.batch.create", {}),
        ("createWithoutWriteScope", "users.batch.create", bearer(read_only) if read_only else None),
        ("createWithBadToken", "users.batch.create", bearer(token[:-4] + "AAAA")),
        ("chunkAddress", "users.chunk.create", bearer(token)),
        ("auditAddress", "users.audit", bearer(token)),
    ]
    for name, address, frame_headers in attempts:
        if frame_headers is None:
            continue
        batch = users("py-refused", 1)
        refused_emails[name] = batch[0]["email"]
        summary["refused"][name] = bridge.request(address, {"users": batch}, frame_headers, timeout=5)
    summary["refused"]["registerAudit"] = bridge.register("users.audit", bearer(token))
    summary["refusedEmails"] = refused_emails
    summary["eventsReceived"] = len(bridge.events)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
