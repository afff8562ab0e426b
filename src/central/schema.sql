-- The province's central history (issue #18), run by `loaxa central init`. Every statement can
-- run again: an init on a live centre upgrades it in place and loses nothing.
--
-- Each commune's box pushes its own hash-chained history here as a role of its own. The box's
-- SQLite stays its outbox; this is the one queryable view over all of them. The centre trusts
-- no box: a trigger re-verifies every event's hash and its link to the station's head before it
-- is stored, and what it refuses is kept, with why, in loaxa_rejections (never a silent drop).

CREATE TABLE IF NOT EXISTS loaxa_stations (
    station_id   text PRIMARY KEY CHECK (station_id ~ '^[a-z0-9][a-z0-9-]{0,47}$'),
    role         name UNIQUE NOT NULL,
    head_seq     bigint NOT NULL DEFAULT 0,
    head_hash    bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    last_contact timestamptz
);

-- `canonical` holds the bytes the box hashed, exactly (jsonb would reorder and respace them);
-- the columns beside it are read out of those bytes by the trigger, for queries.
CREATE TABLE IF NOT EXISTS loaxa_events (
    station_id   text NOT NULL REFERENCES loaxa_stations (station_id),
    seq          bigint NOT NULL,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    canonical    bytea NOT NULL,
    at           timestamptz,
    kind         text,
    broadcast_id text,
    scheduled_at timestamptz,
    channel      text,
    campaign     text,
    details      jsonb,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, seq)
);
CREATE INDEX IF NOT EXISTS loaxa_events_at ON loaxa_events (at);

CREATE TABLE IF NOT EXISTS loaxa_rejections (
    id         bigserial PRIMARY KEY,
    station_id text NOT NULL,
    seq        bigint NOT NULL,
    hash       bytea NOT NULL,
    -- tampered: the hash is not the bytes'; out_of_order: not the next link of the chain;
    -- fork: a different event under a seq the centre already holds.
    reason     text NOT NULL,
    canonical  bytea,
    first_at   timestamptz NOT NULL DEFAULT now(),
    last_at    timestamptz NOT NULL DEFAULT now(),
    times      bigint NOT NULL DEFAULT 1,
    UNIQUE (station_id, seq, hash, reason)
);

-- The station of the session's role (NULL for any other role).
CREATE OR REPLACE FUNCTION loaxa_my_station() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT station_id FROM loaxa_stations WHERE role = session_user $$;

CREATE OR REPLACE FUNCTION loaxa_reject(r loaxa_events, why text) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = public
    AS $$
    INSERT INTO loaxa_rejections (station_id, seq, hash, reason, canonical)
    VALUES (r.station_id, r.seq, r.hash, why, r.canonical)
    ON CONFLICT (station_id, seq, hash, reason)
    DO UPDATE SET last_at = now(), times = loaxa_rejections.times + 1
    $$;

CREATE OR REPLACE FUNCTION loaxa_verify() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    st loaxa_stations%ROWTYPE;
    held bytea;
    cols jsonb;
BEGIN
    -- One writer per station at a time: the head is read and moved under its row's lock.
    -- Before anything else: a box writes as itself only (row-level security would refuse the
    -- row too, but only after this trigger had run for it).
    IF loaxa_my_station() IS NOT NULL AND NEW.station_id IS DISTINCT FROM loaxa_my_station() THEN
        RAISE EXCEPTION 'loaxa: station % may not write as %', loaxa_my_station(), NEW.station_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO st FROM loaxa_stations WHERE station_id = NEW.station_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'loaxa: unknown station %', NEW.station_id;
    END IF;
    UPDATE loaxa_stations SET last_contact = now() WHERE station_id = NEW.station_id;
    IF NEW.seq <= st.head_seq THEN
        SELECT hash INTO held FROM loaxa_events WHERE station_id = NEW.station_id AND seq = NEW.seq;
        IF held = NEW.hash THEN
            RETURN NULL;  -- a replay (an acknowledgement was lost): already here
        END IF;
        PERFORM loaxa_reject(NEW, 'fork');
        RETURN NULL;
    END IF;
    IF sha256(NEW.prev_hash || NEW.canonical) <> NEW.hash THEN
        PERFORM loaxa_reject(NEW, 'tampered');
        RETURN NULL;
    END IF;
    IF NEW.seq <> st.head_seq + 1 OR NEW.prev_hash <> st.head_hash THEN
        PERFORM loaxa_reject(NEW, 'out_of_order');
        RETURN NULL;
    END IF;
    -- [seq, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details]
    BEGIN
        cols := convert_from(NEW.canonical, 'UTF8')::jsonb;
        IF (cols ->> 0)::bigint <> NEW.seq THEN
            PERFORM loaxa_reject(NEW, 'tampered');
            RETURN NULL;
        END IF;
        NEW.at := (cols ->> 1)::timestamptz;
        NEW.kind := cols ->> 3;
        NEW.broadcast_id := cols ->> 4;
        NEW.scheduled_at := (cols ->> 5)::timestamptz;
        NEW.channel := cols ->> 6;
        NEW.campaign := cols ->> 7;
        NEW.details := (cols ->> 8)::jsonb;
    EXCEPTION WHEN others THEN
        PERFORM loaxa_reject(NEW, 'unreadable');
        RETURN NULL;
    END;
    NEW.received_at := now();
    UPDATE loaxa_stations SET head_seq = NEW.seq, head_hash = NEW.hash WHERE station_id = NEW.station_id;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS loaxa_verify ON loaxa_events;
CREATE TRIGGER loaxa_verify BEFORE INSERT ON loaxa_events
    FOR EACH ROW EXECUTE FUNCTION loaxa_verify();

-- Nothing stored is ever changed or removed, by anyone, the owner included.
CREATE OR REPLACE FUNCTION loaxa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loaxa: the central history is append-only';
END
$$;
DROP TRIGGER IF EXISTS loaxa_append_only ON loaxa_events;
CREATE TRIGGER loaxa_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON loaxa_events
    FOR EACH STATEMENT EXECUTE FUNCTION loaxa_append_only();

-- The chain sweep: every station's chain verified again from its stored bytes. One row per
-- station: how many events, and the first seq whose hash or link does not hold (NULL: intact).
CREATE OR REPLACE FUNCTION loaxa_sweep()
    RETURNS TABLE (station_id text, events bigint, head_seq bigint, first_break bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$
    SELECT e.station_id, count(*), max(e.seq),
           min(e.seq) FILTER (WHERE NOT e.ok)
    FROM (
        SELECT station_id, seq,
               sha256(prev_hash || canonical) = hash
               AND prev_hash = coalesce(lag(hash) OVER w, decode(repeat('00', 32), 'hex'))
               AND seq = coalesce(lag(seq) OVER w, 0) + 1 AS ok
        FROM loaxa_events
        WINDOW w AS (PARTITION BY station_id ORDER BY seq)
    ) e
    GROUP BY e.station_id
    $$;

-- Province bulletins, published by the province (`loaxa central publish`) for every commune or
-- some: an audio file's bytes, or a text the box's voice reads. The boxes poll them by id (their
-- cursor), with NOTIFY as a hint that one is new.
CREATE TABLE IF NOT EXISTS loaxa_bulletins (
    id           bigserial PRIMARY KEY,
    title        text NOT NULL,
    priority     text NOT NULL CHECK (priority IN ('normal', 'priority', 'emergency')),
    text         text,
    audio        bytea,
    audio_name   text,
    audio_sha256 bytea,
    air_from     timestamptz NOT NULL DEFAULT now(),
    air_until    timestamptz,
    communes     text[],
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by name NOT NULL DEFAULT session_user,
    CHECK (text IS NOT NULL OR audio IS NOT NULL),
    CHECK (audio IS NULL OR audio_sha256 = sha256(audio))
);

CREATE OR REPLACE FUNCTION loaxa_bulletin_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('loaxa_bulletins', NEW.id::text);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS loaxa_bulletin_notify ON loaxa_bulletins;
CREATE TRIGGER loaxa_bulletin_notify AFTER INSERT ON loaxa_bulletins
    FOR EACH ROW EXECUTE FUNCTION loaxa_bulletin_notify();

-- The boxes' group role: each box's own role is a member. Row-level security confines a box to
-- its own rows; it has no UPDATE or DELETE at all.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loaxa_box') THEN
        CREATE ROLE loaxa_box NOLOGIN;
    END IF;
END
$$;
REVOKE ALL ON loaxa_events, loaxa_stations, loaxa_rejections, loaxa_bulletins FROM PUBLIC;
GRANT SELECT ON loaxa_bulletins TO loaxa_box;
GRANT SELECT, INSERT ON loaxa_events TO loaxa_box;
GRANT SELECT ON loaxa_stations, loaxa_rejections TO loaxa_box;
REVOKE ALL ON FUNCTION loaxa_sweep(), loaxa_reject(loaxa_events, text) FROM PUBLIC;

ALTER TABLE loaxa_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE loaxa_stations ENABLE ROW LEVEL SECURITY;
ALTER TABLE loaxa_rejections ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS loaxa_own ON loaxa_events;
CREATE POLICY loaxa_own ON loaxa_events FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
DROP POLICY IF EXISTS loaxa_own_insert ON loaxa_events;
CREATE POLICY loaxa_own_insert ON loaxa_events FOR INSERT TO loaxa_box WITH CHECK (station_id = loaxa_my_station());
DROP POLICY IF EXISTS loaxa_own ON loaxa_stations;
CREATE POLICY loaxa_own ON loaxa_stations FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
ALTER TABLE loaxa_bulletins ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS loaxa_for_me ON loaxa_bulletins;
CREATE POLICY loaxa_for_me ON loaxa_bulletins FOR SELECT TO loaxa_box
    USING (communes IS NULL OR loaxa_my_station() = ANY (communes));
DROP POLICY IF EXISTS loaxa_own ON loaxa_rejections;
CREATE POLICY loaxa_own ON loaxa_rejections FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
