#!/usr/bin/env python3
"""Writes the bench's inputs: N users as NDJSON (the job's upload) and the same rows as CSV (for COPY).
Usage: generate.py N TAG OUT_DIR [plaintext]"""
import sys, uuid
n, tag, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
plaintext = len(sys.argv) > 4 and sys.argv[4] == "plaintext"
HASH = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
with open(f"{out}/users.ndjson", "w") as nd, open(f"{out}/users.csv", "w") as csv:
    for i in range(n):
        email = f"{tag}-{i}@example.com"
        name = f"User {i}"
        if plaintext:
            nd.write('{"email":"%s","name":"%s","password":"correct horse battery %d"}\n' % (email, name, i))
        else:
            nd.write('{"email":"%s","name":"%s","passwordHash":"%s"}\n' % (email, name, HASH))
            csv.write("%s,%s,%s,%s\n" % (uuid.uuid4(), email, name, HASH))
