-- ScopeGate token store, version 7: one index fewer on the token table.
-- Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.

-- A user's tokens are found by the user's id (indexed since version 4: ix_oauth_token_user_id), also when they are
-- revoked together; the index on the user name served only that revocation, and cost an index insert per token.
DROP INDEX ix_oauth_token_user;
