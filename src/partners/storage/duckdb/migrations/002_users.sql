-- 002: people who sign in, with their role and scope. Anyone not listed (or deactivated) is the public.
-- Changed only through partners.services.users (permission check and audit entry in one transaction).

CREATE TABLE users (
    email       VARCHAR PRIMARY KEY CHECK (email = lower(trim(email)) AND email LIKE '_%@_%'),
    name        VARCHAR NOT NULL DEFAULT '',
    role        VARCHAR NOT NULL CHECK (role <> 'public'),
    countries   VARCHAR[] NOT NULL DEFAULT [],
    partners    INTEGER[] NOT NULL DEFAULT [],
    active      BOOLEAN NOT NULL DEFAULT true,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    version     INTEGER NOT NULL DEFAULT 1
);
