-- The cache generation, shared by every node through the source of truth (issue 15, item 4): a
-- node whose write-through to Redis was lost bumps it here (it just reached PostgreSQL to commit),
-- and every node refuses cache entries written under an older generation. One row.
CREATE TABLE cache_generation (
  id    integer PRIMARY KEY CHECK (id = 1),
  value bigint  NOT NULL
);
INSERT INTO cache_generation (id, value) VALUES (1, 1);
