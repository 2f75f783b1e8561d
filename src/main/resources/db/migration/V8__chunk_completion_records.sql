-- Every keyed write chunk that commits now writes its batch_changes row (also when it changed no
-- user), with its per-item result: a later delivery of the same chunk key answers this result
-- instead of applying the chunk again (at-least-once chunks, exactly-once effects). The result
-- names users by id only (no emails or names kept here); rows written before this migration have
-- none. A nullable column without default: no table rewrite.
ALTER TABLE batch_changes ADD COLUMN result jsonb;
