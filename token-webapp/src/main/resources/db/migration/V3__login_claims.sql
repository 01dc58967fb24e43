-- ScopeGate token store, version 3: the lockout count claimed before a password reaches the hash.
-- Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.

-- A password check first claims a place: failed_logins + checks_in_flight may never exceed the lockout threshold,
-- so at most that many checks per user reach the real hash in a lock window, on however many key managers share
-- the store. claimed_at (epoch milliseconds of the latest claim) lets the claims of a server that died while
-- hashing expire. login_epoch changes at each lock and unlock: a result of a check that began in an earlier epoch
-- changes nothing.
ALTER TABLE oauth_user ADD COLUMN checks_in_flight INT DEFAULT 0 NOT NULL;
ALTER TABLE oauth_user ADD COLUMN claimed_at BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE oauth_user ADD COLUMN login_epoch INT DEFAULT 0 NOT NULL;
