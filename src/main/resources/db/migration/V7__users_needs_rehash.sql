-- Imported password hashes weaker than the configured floor (WEAK_HASH_MIN_BCRYPT_COST,
-- WEAK_HASH_MIN_PBKDF2_ITERATIONS) are stored with this flag, so that the next successful login
-- can re-hash the password with the current algorithm. A constant default: no table rewrite.
ALTER TABLE users ADD COLUMN needs_rehash boolean NOT NULL DEFAULT false;
