-- ScopeGate token store, version 5: throttling tiers (named request quotas) and the tier of each application.
-- Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.

-- A tier allows request_quota requests per window_seconds, and at most burst of them back to back when burst is
-- set. A tier without quota (request_quota, window_seconds and burst all NULL) is unlimited. Names are unique
-- whatever their case (name_key is the lower-case name).
CREATE TABLE oauth_throttle_tier (
    name VARCHAR(64) NOT NULL,
    name_key VARCHAR(64) NOT NULL,
    request_quota BIGINT,
    window_seconds BIGINT,
    burst BIGINT,
    description VARCHAR(256),
    CONSTRAINT pk_oauth_throttle_tier PRIMARY KEY (name),
    CONSTRAINT uq_oauth_throttle_tier_key UNIQUE (name_key),
    CONSTRAINT ck_oauth_throttle_tier_quota CHECK (
        (request_quota IS NULL AND window_seconds IS NULL AND burst IS NULL)
        OR (request_quota > 0 AND window_seconds > 0 AND (burst IS NULL OR (burst > 0 AND burst <= request_quota))))
);

-- The defaults of WSO2 API Manager's application tiers.
INSERT INTO oauth_throttle_tier (name, name_key, request_quota, window_seconds, burst, description)
    VALUES ('Unlimited', 'unlimited', NULL, NULL, NULL, 'No request quota');
INSERT INTO oauth_throttle_tier (name, name_key, request_quota, window_seconds, burst, description)
    VALUES ('Gold', 'gold', 5000, 60, NULL, '5000 requests per minute');
INSERT INTO oauth_throttle_tier (name, name_key, request_quota, window_seconds, burst, description)
    VALUES ('Silver', 'silver', 2000, 60, NULL, '2000 requests per minute');
INSERT INTO oauth_throttle_tier (name, name_key, request_quota, window_seconds, burst, description)
    VALUES ('Bronze', 'bronze', 1000, 60, NULL, '1000 requests per minute');

-- Every application, existing ones included, starts Unlimited. A tier in use cannot be deleted.
ALTER TABLE oauth_application ADD COLUMN tier_name VARCHAR(64) DEFAULT 'Unlimited' NOT NULL;
ALTER TABLE oauth_application ADD CONSTRAINT fk_oauth_application_tier
    FOREIGN KEY (tier_name) REFERENCES oauth_throttle_tier (name);
