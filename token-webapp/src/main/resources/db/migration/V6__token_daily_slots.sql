-- ScopeGate token store, version 6: the daily count of issued tokens spread over slots.
-- Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.

-- Every token issued adds one to the count of its day, application and grant type, in the issuing transaction. With
-- one row per count, every grant of an application waited for the one before it to commit (the row's lock is held
-- through the commit's log write, on every key manager sharing the database). A grant now adds to one of several
-- rows of the count (its slot, picked at random), and the count is their sum. Existing rows become slot 0.
ALTER TABLE oauth_token_daily ADD COLUMN slot SMALLINT DEFAULT 0 NOT NULL;
ALTER TABLE oauth_token_daily DROP CONSTRAINT pk_oauth_token_daily;
ALTER TABLE oauth_token_daily ADD CONSTRAINT pk_oauth_token_daily PRIMARY KEY (day, application_id, grant_type, slot);
