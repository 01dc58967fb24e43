-- ScopeGate token store, version 5.1: the request counts the scope valves (gateways) share, so that several
-- gateways enforce one quota together (POST /token/quota-counts, or the valve's dataSourceName mode).
-- Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.

-- One row per counter (an application, or an application on a rule of a valve's rules file): the requests every
-- gateway served in the counter's current window. The first report of a newer window starts the count again.
-- Rows are few (one per counted application and limited rule) and small, and are kept.
CREATE TABLE oauth_quota_count (
    counter_key VARCHAR(128) NOT NULL,
    window_start BIGINT NOT NULL,
    requests BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT pk_oauth_quota_count PRIMARY KEY (counter_key)
);
