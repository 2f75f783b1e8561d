#!/usr/bin/env bash
# Issue 13 item 6: ms per Argon2id hash at m=19456 KiB, t=2, p=1, single thread, in ONE JVM, for the
# hand-written RFC 9106 implementation this project used until commit e9a672a and for libargon2 through
# argon2-jvm (what user/Argon2 is now). Prints the median (and min/max) of N hashes after warm-up.
#
# Usage:  bench/argon2-compare.sh        (WARMUP=20 N=30 by default; needs `mvn -o compile` done)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CP="target/classes:$(mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
mkdir -p "$WORK/src/old" "$WORK/classes"
# The old class, moved to package "old" and made public so both run side by side.
git show e9a672a:src/main/java/dev/userbatch/user/Argon2.java \
  | sed -e 's/^package dev.userbatch.user;/package old;/' -e 's/^final class Argon2/public final class Argon2/' \
        -e 's/^    static void hash(/    public static void hash(/' > "$WORK/src/old/Argon2.java"
javac -d "$WORK/classes" -cp "$CP" "$WORK/src/old/Argon2.java" bench/Argon2Compare.java
java -cp "$WORK/classes:$CP" dev.userbatch.user.Argon2Compare "${WARMUP:-20}" "${N:-30}"
