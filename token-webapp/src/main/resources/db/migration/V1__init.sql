-- ScopeGate token store, version 1. Portable between Derby 10.16 and PostgreSQL 15.
-- Licensed under the Apache License, Version 2.0.
-- Times are epoch milliseconds. Tokens and secrets are stored only as lowercase hex SHA-256 digests.

CREATE TABLE oauth_user (
    username VARCHAR(128) NOT NULL,
    username_key VARCHAR(128) NOT NULL,
    password_hash VARCHAR(512) NOT NULL,
    enabled BOOLEAN NOT NULL,
    failed_logins INT NOT NULL,
    lock_count INT NOT NULL,
    locked_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT pk_oauth_user PRIMARY KEY (username),
    CONSTRAINT uq_oauth_user_key UNIQUE (username_key)
);

CREATE TABLE oauth_user_role (
    username VARCHAR(128) NOT NULL,
    role_name VARCHAR(64) NOT NULL,
    CONSTRAINT pk_oauth_user_role PRIMARY KEY (username, role_name),
    CONSTRAINT fk_oauth_user_role_user FOREIGN KEY (username) REFERENCES oauth_user (username) ON DELETE CASCADE
);

CREATE TABLE oauth_client (
    client_id VARCHAR(64) NOT NULL,
    secret_digest CHAR(64) NOT NULL,
    name VARCHAR(128) NOT NULL,
    owner VARCHAR(128),
    grant_types VARCHAR(128) NOT NULL,
    can_introspect BOOLEAN NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT pk_oauth_client PRIMARY KEY (client_id)
);

CREATE TABLE oauth_scope (
    name VARCHAR(64) NOT NULL,
    description VARCHAR(256),
    CONSTRAINT pk_oauth_scope PRIMARY KEY (name)
);

CREATE TABLE oauth_scope_role (
    scope_name VARCHAR(64) NOT NULL,
    role_name VARCHAR(64) NOT NULL,
    CONSTRAINT pk_oauth_scope_role PRIMARY KEY (scope_name, role_name),
    CONSTRAINT fk_oauth_scope_role_scope FOREIGN KEY (scope_name) REFERENCES oauth_scope (name) ON DELETE CASCADE
);

CREATE TABLE oauth_token (
    token_digest CHAR(64) NOT NULL,
    token_kind CHAR(1) NOT NULL,
    client_id VARCHAR(64) NOT NULL,
    username VARCHAR(128),
    scope VARCHAR(2000) NOT NULL,
    grant_type VARCHAR(32) NOT NULL,
    family_id CHAR(64),
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BOOLEAN NOT NULL,
    used BOOLEAN NOT NULL,
    CONSTRAINT pk_oauth_token PRIMARY KEY (token_digest)
);

CREATE INDEX ix_oauth_token_client ON oauth_token (client_id);
CREATE INDEX ix_oauth_token_user ON oauth_token (username);
CREATE INDEX ix_oauth_token_family ON oauth_token (family_id);
CREATE INDEX ix_oauth_token_expires ON oauth_token (expires_at);

CREATE TABLE oauth_revocation_event (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    event_type VARCHAR(16) NOT NULL,
    event_value VARCHAR(128) NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT pk_oauth_revocation_event PRIMARY KEY (id)
);

CREATE INDEX ix_oauth_revocation_event_created ON oauth_revocation_event (created_at);

CREATE TABLE oauth_setting (
    name VARCHAR(64) NOT NULL,
    setting_value VARCHAR(256),
    CONSTRAINT pk_oauth_setting PRIMARY KEY (name)
);

INSERT INTO oauth_scope (name, description) VALUES ('default', 'Granted when nothing requested is allowed');
