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
-- The station's chain after its last accepted reset (1: never reset).
ALTER TABLE loaxa_stations ADD COLUMN IF NOT EXISTS epoch int NOT NULL DEFAULT 1;

-- `canonical` holds the bytes the box hashed, exactly (jsonb would reorder and respace them);
-- the columns beside it are read out of those bytes by the trigger, for queries.
CREATE TABLE IF NOT EXISTS loaxa_events (
    station_id   text NOT NULL REFERENCES loaxa_stations (station_id),
    epoch        int NOT NULL DEFAULT 1,
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
    PRIMARY KEY (station_id, epoch, seq)
);
CREATE INDEX IF NOT EXISTS loaxa_events_at ON loaxa_events (at);
-- `epoch` is which of the station's chains an event belongs to: a box whose history was lost or
-- restored from an older copy starts a chain that leaves the centre's at some seq, and once the
-- province accepts it (loaxa_accept_reset) its events are stored beside the old ones, never over
-- them. A centre made before resets existed is upgraded here.
ALTER TABLE loaxa_events ADD COLUMN IF NOT EXISTS epoch int NOT NULL DEFAULT 1;
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = 'loaxa_events'::regclass AND i.indisprimary AND a.attname = 'epoch'
    ) THEN
        ALTER TABLE loaxa_events DROP CONSTRAINT loaxa_events_pkey,
            ADD CONSTRAINT loaxa_events_pkey PRIMARY KEY (station_id, epoch, seq);
    END IF;
END
$$;

-- The resets the province accepted: the new chain follows the old one's event `base_seq` (0: from
-- the genesis). The old chain's events stay; this record is as append-only as they are.
CREATE TABLE IF NOT EXISTS loaxa_resets (
    station_id    text NOT NULL REFERENCES loaxa_stations (station_id),
    epoch         int NOT NULL CHECK (epoch > 1),
    base_seq      bigint NOT NULL,
    base_hash     bytea NOT NULL,
    old_head_seq  bigint NOT NULL,
    old_head_hash bytea NOT NULL,
    reason        text NOT NULL,
    accepted_by   name NOT NULL DEFAULT session_user,
    accepted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, epoch)
);

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
-- The refused event's link (where a fork leaves the chain), and the reset that settled it.
ALTER TABLE loaxa_rejections ADD COLUMN IF NOT EXISTS prev_hash bytea;
ALTER TABLE loaxa_rejections ADD COLUMN IF NOT EXISTS accepted_in int;
-- A box that is broken or taken over could fill the centre's disk with refused bytes: each
-- refusal keeps its bytes up to 64 kB (and always its size), each station's first 1,000
-- unsettled refusals are kept in detail, and the rest are counted on the station's row.
ALTER TABLE loaxa_rejections ADD COLUMN IF NOT EXISTS size int;
ALTER TABLE loaxa_stations ADD COLUMN IF NOT EXISTS rejections_beyond bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS loaxa_rejections_station ON loaxa_rejections (station_id) WHERE accepted_in IS NULL;

-- The station of the session's role (NULL for any other role).
CREATE OR REPLACE FUNCTION loaxa_my_station() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$ SELECT station_id FROM loaxa_stations WHERE role = session_user $$;

CREATE OR REPLACE FUNCTION loaxa_reject(r loaxa_events, why text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
BEGIN
    UPDATE loaxa_stations s SET last_contact = now() WHERE s.station_id = r.station_id;
    UPDATE loaxa_rejections x SET last_at = now(), times = x.times + 1
    WHERE x.station_id = r.station_id AND x.seq = r.seq AND x.hash = r.hash AND x.reason = why;
    IF FOUND THEN
        RETURN;
    END IF;
    IF (SELECT count(*) FROM loaxa_rejections x
        WHERE x.station_id = r.station_id AND x.accepted_in IS NULL) >= 1000 THEN
        UPDATE loaxa_stations s SET rejections_beyond = s.rejections_beyond + 1
        WHERE s.station_id = r.station_id;
        RETURN;
    END IF;
    INSERT INTO loaxa_rejections (station_id, seq, hash, reason, canonical, prev_hash, size)
    VALUES (r.station_id, r.seq, r.hash, why,
            CASE WHEN octet_length(r.canonical) <= 65536 THEN r.canonical END,
            r.prev_hash, octet_length(r.canonical))
    ON CONFLICT (station_id, seq, hash, reason)
    DO UPDATE SET last_at = now(), times = loaxa_rejections.times + 1;
END
$$;

-- The hash of the station's current chain at `seq` (the genesis hash at 0): the event of the
-- latest chain that had begun before it. A box may ask of its own station only.
CREATE OR REPLACE FUNCTION loaxa_hash_at(station text, at_seq bigint) RETURNS bytea
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
    SELECT CASE WHEN at_seq = 0 THEN decode(repeat('00', 32), 'hex') ELSE (
        SELECT e.hash FROM loaxa_events e
        WHERE e.station_id = station AND e.seq = at_seq
          AND e.epoch = coalesce((SELECT max(r.epoch) FROM loaxa_resets r
                                  WHERE r.station_id = station AND r.base_seq < at_seq), 1)
    ) END
    WHERE loaxa_my_station() IS NULL OR loaxa_my_station() = station
    $$;

CREATE OR REPLACE FUNCTION loaxa_verify() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
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
    NEW.epoch := st.epoch;
    -- Before any work on the bytes: a 100 MB "event" cost 14 s of the server's CPU to hash and
    -- parse. A real event is a few hundred bytes; the largest a station makes (a reload that
    -- lists a few thousand changed broadcasts, a three-hour relay's dropouts) stays well under
    -- 1 MiB. What is larger is refused, and kept as its size only.
    IF octet_length(NEW.canonical) > 1048576 THEN
        PERFORM loaxa_reject(NEW, 'oversized');
        RETURN NULL;
    END IF;
    IF NEW.seq <= st.head_seq THEN
        held := loaxa_hash_at(NEW.station_id, NEW.seq);
        IF held = NEW.hash THEN
            -- a replay (an acknowledgement was lost): already here
            UPDATE loaxa_stations SET last_contact = now() WHERE station_id = NEW.station_id;
            RETURN NULL;
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
    -- One update of the station's row per event (the head and the contact together): the
    -- verified inserts' rate depends on it.
    UPDATE loaxa_stations SET head_seq = NEW.seq, head_hash = NEW.hash, last_contact = now()
    WHERE station_id = NEW.station_id;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS loaxa_verify ON loaxa_events;
CREATE TRIGGER loaxa_verify BEFORE INSERT ON loaxa_events
    FOR EACH ROW EXECUTE FUNCTION loaxa_verify();

-- A box's contact, whether or not it has anything to send (`last_contact` would otherwise move
-- only when events arrive, and a quiet box would look like a silent one): its own row only.
CREATE OR REPLACE FUNCTION loaxa_contact()
    RETURNS TABLE (station_id text, head_seq bigint, last_contact timestamptz, head_hash bytea)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
    UPDATE loaxa_stations s SET last_contact = now()
    WHERE s.station_id = loaxa_my_station()
    RETURNING s.station_id, s.head_seq, s.last_contact, s.head_hash
    $$;

-- Nothing stored is ever changed or removed, by anyone, the owner included.
CREATE OR REPLACE FUNCTION loaxa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loaxa: the central history is append-only';
END
$$;
DROP TRIGGER IF EXISTS loaxa_append_only ON loaxa_events;
CREATE TRIGGER loaxa_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON loaxa_events
    FOR EACH STATEMENT EXECUTE FUNCTION loaxa_append_only();
DROP TRIGGER IF EXISTS loaxa_append_only ON loaxa_resets;
CREATE TRIGGER loaxa_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON loaxa_resets
    FOR EACH STATEMENT EXECUTE FUNCTION loaxa_append_only();

-- The province accepts a station's new chain (`loaxa central accept-reset`), after the box
-- was refused an event as a fork: the lowest such event whose bytes hold and whose link is an
-- event of the current chain. The new chain follows that event's predecessor; what the centre
-- held after it stays, under the old epoch, and the refusals the new chain caused are settled.
-- The province's operator only (loaxa_operator; no EXECUTE for the boxes): it runs as the
-- schema's owner, so the operator needs no UPDATE on the stations or the refusals.
CREATE OR REPLACE FUNCTION loaxa_accept_reset(station text, why text)
    RETURNS TABLE (new_epoch int, after_seq bigint, old_head bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
DECLARE
    st loaxa_stations%ROWTYPE;
    fork loaxa_rejections%ROWTYPE;
BEGIN
    SELECT * INTO st FROM loaxa_stations s WHERE s.station_id = station FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'loaxa: unknown station %', station;
    END IF;
    SELECT * INTO fork FROM loaxa_rejections r
    WHERE r.station_id = station AND r.reason = 'fork' AND r.accepted_in IS NULL
      AND r.prev_hash IS NOT NULL AND r.seq <= st.head_seq
      AND sha256(r.prev_hash || r.canonical) = r.hash
      AND r.prev_hash = loaxa_hash_at(station, r.seq - 1)
    ORDER BY r.seq LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'loaxa: nothing to accept for station %', station
            USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO loaxa_resets (station_id, epoch, base_seq, base_hash, old_head_seq, old_head_hash, reason)
    VALUES (station, st.epoch + 1, fork.seq - 1, fork.prev_hash, st.head_seq, st.head_hash, why);
    UPDATE loaxa_stations s SET epoch = st.epoch + 1, head_seq = fork.seq - 1, head_hash = fork.prev_hash
    WHERE s.station_id = station;
    UPDATE loaxa_rejections r SET accepted_in = st.epoch + 1
    WHERE r.station_id = station AND r.accepted_in IS NULL AND r.seq >= fork.seq
      AND r.reason IN ('fork', 'out_of_order');
    -- The box's shipper LISTENs: it pushes at once instead of at its next minute.
    PERFORM pg_notify('loaxa_resets', station);
    RETURN QUERY SELECT st.epoch + 1, fork.seq - 1, st.head_seq;
END
$$;

-- The chain sweep: every station's chain verified again from its stored bytes. One row per
-- station: how many events, the current chain's head, and the first seq whose hash or link does
-- not hold (NULL: intact). Each chain after a reset must start on its base, and its base must be
-- an event of the chains before it.
CREATE OR REPLACE FUNCTION loaxa_sweep()
    RETURNS TABLE (station_id text, events bigint, head_seq bigint, first_break bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
    AS $$
    WITH bases AS (
        SELECT s.station_id, 1 AS epoch, 0::bigint AS base_seq,
               decode(repeat('00', 32), 'hex') AS base_hash, true AS ok
        FROM loaxa_stations s
        UNION ALL
        SELECT r.station_id, r.epoch, r.base_seq, r.base_hash,
               r.base_seq = 0 AND r.base_hash = decode(repeat('00', 32), 'hex')
               OR EXISTS (SELECT 1 FROM loaxa_events o
                          WHERE o.station_id = r.station_id AND o.epoch < r.epoch
                            AND o.seq = r.base_seq AND o.hash = r.base_hash)
        FROM loaxa_resets r
    ),
    links AS (
        -- An event of a chain no reset began is a break too.
        SELECT e.station_id, e.epoch, e.seq,
               coalesce(sha256(e.prev_hash || e.canonical) = e.hash
                        AND e.prev_hash = coalesce(lag(e.hash) OVER w, b.base_hash)
                        AND e.seq = coalesce(lag(e.seq) OVER w, b.base_seq) + 1, false) AS ok
        FROM loaxa_events e
        LEFT JOIN bases b ON b.station_id = e.station_id AND b.epoch = e.epoch
        WINDOW w AS (PARTITION BY e.station_id, e.epoch ORDER BY e.seq)
    ),
    checked AS (
        SELECT l.station_id, l.epoch, l.seq, l.ok FROM links l
        UNION ALL
        -- A base that is no event of the chains before breaks its chain at its first seq.
        SELECT b.station_id, b.epoch, NULL, b.ok OR b.epoch = 1 FROM bases b
    )
    SELECT s.station_id,
           count(c.seq),
           coalesce(max(c.seq) FILTER (WHERE c.epoch = s.epoch),
                    (SELECT b.base_seq FROM bases b WHERE b.station_id = s.station_id AND b.epoch = s.epoch)),
           min(coalesce(c.seq, (SELECT b.base_seq + 1 FROM bases b
                                WHERE b.station_id = c.station_id AND b.epoch = c.epoch)))
               FILTER (WHERE NOT c.ok)
    FROM loaxa_stations s
    JOIN checked c ON c.station_id = s.station_id
    GROUP BY s.station_id, s.epoch
    HAVING count(c.seq) > 0
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

-- The boxes fetch the audio a piece at a time (substring): stored uncompressed (audio does not
-- compress anyway), a piece is read without reading what comes before it.
ALTER TABLE loaxa_bulletins ALTER COLUMN audio SET STORAGE EXTERNAL;

-- A real bulletin fits: Hà Nội caps a session at 45 minutes, and 45 minutes of MP3 at 160 kbit/s
-- is 54 MB; a text read aloud for an hour is about 50 kB. What is larger would sit in every
-- box's memory and disk (a 200 MB one took a box to 640 MB), so the centre refuses it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'loaxa_bulletins_size') THEN
        ALTER TABLE loaxa_bulletins ADD CONSTRAINT loaxa_bulletins_size CHECK (
            coalesce(octet_length(audio), 0) <= 64 * 1024 * 1024
            AND coalesce(octet_length(text), 0) <= 64 * 1024
            AND octet_length(title) <= 1024
            AND coalesce(octet_length(audio_name), 0) <= 255
            AND coalesce(cardinality(communes), 0) <= 10000
        ) NOT VALID;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION loaxa_bulletin_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('loaxa_bulletins', NEW.id::text);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS loaxa_bulletin_notify ON loaxa_bulletins;
CREATE TRIGGER loaxa_bulletin_notify AFTER INSERT ON loaxa_bulletins
    FOR EACH ROW EXECUTE FUNCTION loaxa_bulletin_notify();

-- The roles (README, "Province"): the superuser is needed for `init` only.
--  * loaxa_box: each commune box's own role is a member; row-level security confines it to its
--    own rows, and it has no UPDATE or DELETE at all.
--  * loaxa_reader: the province's analysts; reads every station's rows and runs the sweep, and
--    writes nothing.
--  * loaxa_operator: the province's operator (`publish`, `accept-reset`, `report`); reads what the
--    reader reads, publishes bulletins and accepts resets, and, owning nothing and being no
--    superuser, can neither change nor remove what is stored, nor turn the triggers off.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['loaxa_box', 'loaxa_reader', 'loaxa_operator'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;
GRANT loaxa_reader TO loaxa_operator;

-- A role of the centre's creates nothing of its own in the database: no temporary table can
-- shadow the centre's tables (the functions also search pg_temp last), and no object in the
-- public schema can stand in for one of loaxa's.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

REVOKE ALL ON loaxa_events, loaxa_stations, loaxa_rejections, loaxa_bulletins, loaxa_resets FROM PUBLIC;
GRANT SELECT ON loaxa_bulletins TO loaxa_box;
GRANT SELECT, INSERT ON loaxa_events TO loaxa_box;
GRANT SELECT ON loaxa_stations, loaxa_rejections TO loaxa_box;
GRANT SELECT ON loaxa_events, loaxa_stations, loaxa_rejections, loaxa_bulletins, loaxa_resets TO loaxa_reader;
GRANT INSERT ON loaxa_bulletins TO loaxa_operator;
GRANT USAGE ON SEQUENCE loaxa_bulletins_id_seq TO loaxa_operator;
REVOKE ALL ON FUNCTION loaxa_sweep(), loaxa_reject(loaxa_events, text), loaxa_accept_reset(text, text),
    loaxa_hash_at(text, bigint), loaxa_contact(), loaxa_my_station() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION loaxa_hash_at(text, bigint), loaxa_contact() TO loaxa_box;
GRANT EXECUTE ON FUNCTION loaxa_my_station() TO loaxa_box, loaxa_reader;
GRANT EXECUTE ON FUNCTION loaxa_sweep(), loaxa_hash_at(text, bigint) TO loaxa_reader;
GRANT EXECUTE ON FUNCTION loaxa_accept_reset(text, text) TO loaxa_operator;

-- A station's role: at most 10 sessions (a box needs two, and a dead link leaves its old ones
-- open on the server for a while), so that one box cannot take every connection the centre
-- has; and its dead sessions probed and closed within about a minute (the server's defaults
-- would keep a session a 4G link dropped for two hours). A box's statements are point look-ups
-- and batches of 1,000 events: a minute is generous, they need no temporary files (one sort
-- wrote 449 MB of them), and a transaction left open holds locks for nothing.
-- temp_file_limit only a superuser can change; statement_timeout and the idle timeout are the
-- session's defaults, which a box taken over can lift with SET: what bounds it then is its ten
-- sessions.
CREATE OR REPLACE FUNCTION loaxa_confine(r name) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
    AS $$
BEGIN
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT 10', r);
    EXECUTE format('ALTER ROLE %I SET tcp_keepalives_idle = 30', r);
    EXECUTE format('ALTER ROLE %I SET tcp_keepalives_interval = 10', r);
    EXECUTE format('ALTER ROLE %I SET tcp_keepalives_count = 3', r);
    EXECUTE format('ALTER ROLE %I SET tcp_user_timeout = 60000', r);
    EXECUTE format('ALTER ROLE %I SET client_connection_check_interval = 10000', r);
    EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', r, '60s');
    EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', r, '60s');
    EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', r, '30s');
    EXECUTE format('ALTER ROLE %I SET temp_file_limit = %L', r, '16MB');
END
$$;
REVOKE ALL ON FUNCTION loaxa_confine(name) FROM PUBLIC;
DO $$
DECLARE
    r name;
BEGIN
    FOR r IN SELECT role FROM loaxa_stations LOOP
        PERFORM loaxa_confine(r);
    END LOOP;
END
$$;

ALTER TABLE loaxa_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE loaxa_stations ENABLE ROW LEVEL SECURITY;
ALTER TABLE loaxa_rejections ENABLE ROW LEVEL SECURITY;
ALTER TABLE loaxa_bulletins ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS loaxa_own ON loaxa_events;
CREATE POLICY loaxa_own ON loaxa_events FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
DROP POLICY IF EXISTS loaxa_own_insert ON loaxa_events;
CREATE POLICY loaxa_own_insert ON loaxa_events FOR INSERT TO loaxa_box WITH CHECK (station_id = loaxa_my_station());
DROP POLICY IF EXISTS loaxa_own ON loaxa_stations;
CREATE POLICY loaxa_own ON loaxa_stations FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
DROP POLICY IF EXISTS loaxa_for_me ON loaxa_bulletins;
CREATE POLICY loaxa_for_me ON loaxa_bulletins FOR SELECT TO loaxa_box
    USING (communes IS NULL OR loaxa_my_station() = ANY (communes));
DROP POLICY IF EXISTS loaxa_own ON loaxa_rejections;
CREATE POLICY loaxa_own ON loaxa_rejections FOR SELECT TO loaxa_box USING (station_id = loaxa_my_station());
-- The province reads every station (without a policy of its own, a role granted SELECT saw no
-- row at all, silently).
DROP POLICY IF EXISTS loaxa_province ON loaxa_events;
CREATE POLICY loaxa_province ON loaxa_events FOR SELECT TO loaxa_reader USING (true);
DROP POLICY IF EXISTS loaxa_province ON loaxa_stations;
CREATE POLICY loaxa_province ON loaxa_stations FOR SELECT TO loaxa_reader USING (true);
DROP POLICY IF EXISTS loaxa_province ON loaxa_rejections;
CREATE POLICY loaxa_province ON loaxa_rejections FOR SELECT TO loaxa_reader USING (true);
DROP POLICY IF EXISTS loaxa_province ON loaxa_bulletins;
CREATE POLICY loaxa_province ON loaxa_bulletins FOR SELECT TO loaxa_reader USING (true);
DROP POLICY IF EXISTS loaxa_publish ON loaxa_bulletins;
CREATE POLICY loaxa_publish ON loaxa_bulletins FOR INSERT TO loaxa_operator WITH CHECK (true);

-- The refusals' reasons, for analysts: the stable id the rows carry, and what it means.
CREATE TABLE IF NOT EXISTS loaxa_reasons (
    reason     text PRIMARY KEY,
    meaning_vi text NOT NULL,
    meaning_en text NOT NULL
);
INSERT INTO loaxa_reasons VALUES
    ('tampered', 'mã băm không khớp với nội dung: sự kiện đã bị sửa',
                 'the hash is not the bytes'' hash: the event was altered'),
    ('out_of_order', 'không nối tiếp sự kiện cuối cùng trung tâm đang giữ',
                     'not the next link of the chain the centre holds'),
    ('fork', 'khác với sự kiện cùng số thứ tự trung tâm đã giữ (lịch sử của trạm bị mất hoặc khôi phục từ bản cũ)',
             'differs from the event the centre holds under the same seq (the box''s history was lost or restored)'),
    ('unreadable', 'nội dung không đọc được', 'the bytes cannot be read as an event'),
    ('oversized', 'lớn hơn 1 MiB, lớn hơn mọi sự kiện thật', 'larger than 1 MiB, larger than any real event')
ON CONFLICT (reason) DO UPDATE SET meaning_vi = EXCLUDED.meaning_vi, meaning_en = EXCLUDED.meaning_en;
REVOKE ALL ON loaxa_reasons FROM PUBLIC;
GRANT SELECT ON loaxa_reasons TO loaxa_reader, loaxa_box;

-- Views for the questions the province asks most, by the station's day (Asia/Ho_Chi_Minh).
-- security_invoker: each reads as the one who asks, so row-level security holds through them.
CREATE OR REPLACE VIEW loaxa_programmes_daily WITH (security_invoker = true) AS
    SELECT station_id, (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
           count(*) FILTER (WHERE kind = 'playout_finished') AS aired,
           count(*) FILTER (WHERE kind = 'playout_missed') AS missed,
           count(*) FILTER (WHERE kind = 'playout_failed') AS failed,
           count(*) FILTER (WHERE kind = 'playout_interrupted') AS interrupted
    FROM loaxa_events
    WHERE kind IN ('playout_finished', 'playout_missed', 'playout_failed', 'playout_interrupted')
    GROUP BY 1, 2;
CREATE OR REPLACE VIEW loaxa_posts_daily WITH (security_invoker = true) AS
    SELECT station_id, (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, channel,
           count(*) FILTER (WHERE kind = 'post_succeeded') AS posted,
           count(*) FILTER (WHERE kind = 'post_failed') AS failed,
           count(*) FILTER (WHERE kind = 'post_skipped') AS skipped,
           count(*) FILTER (WHERE kind = 'post_unconfirmed') AS unconfirmed
    FROM loaxa_events
    WHERE kind IN ('post_succeeded', 'post_failed', 'post_skipped', 'post_unconfirmed')
    GROUP BY 1, 2, 3;
CREATE OR REPLACE VIEW loaxa_relay_hours_daily WITH (security_invoker = true) AS
    SELECT station_id, (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
           sum((details -> 'relay' ->> 'source_s')::float8) / 3600 AS hours
    FROM loaxa_events
    WHERE kind = 'playout_finished' AND details ? 'relay'
    GROUP BY 1, 2;
CREATE OR REPLACE VIEW loaxa_missed WITH (security_invoker = true) AS
    SELECT station_id, at, broadcast_id, scheduled_at, campaign, details
    FROM loaxa_events WHERE kind = 'playout_missed';
REVOKE ALL ON loaxa_programmes_daily, loaxa_posts_daily, loaxa_relay_hours_daily, loaxa_missed FROM PUBLIC;
GRANT SELECT ON loaxa_programmes_daily, loaxa_posts_daily, loaxa_relay_hours_daily, loaxa_missed
    TO loaxa_reader;

COMMENT ON TABLE loaxa_stations IS 'One row per commune box: its role, the head of the chain the centre holds, its last contact.';
COMMENT ON COLUMN loaxa_stations.station_id IS 'The box''s [central] station_id (lowercase letters, digits, hyphens).';
COMMENT ON COLUMN loaxa_stations.role IS 'The PostgreSQL role the box pushes as.';
COMMENT ON COLUMN loaxa_stations.head_seq IS 'The last seq of the station''s current chain the centre has verified.';
COMMENT ON COLUMN loaxa_stations.head_hash IS 'The SHA-256 of that event.';
COMMENT ON COLUMN loaxa_stations.last_contact IS 'The box''s last push or fetch, whether or not it sent events.';
COMMENT ON COLUMN loaxa_stations.epoch IS 'The station''s current chain: 1, and one more for each reset the province accepted.';
COMMENT ON COLUMN loaxa_stations.rejections_beyond IS 'Refusals counted but not kept in detail (beyond 1,000 unsettled).';
COMMENT ON TABLE loaxa_events IS 'Every box''s hash-chained history, verified event by event; append-only for everyone. docs/central.md lists the kinds and their details.';
COMMENT ON COLUMN loaxa_events.seq IS 'The event''s place in its station''s chain, from 1.';
COMMENT ON COLUMN loaxa_events.epoch IS 'Which of the station''s chains (see loaxa_resets).';
COMMENT ON COLUMN loaxa_events.prev_hash IS 'The previous event''s hash (zeros for the first).';
COMMENT ON COLUMN loaxa_events.hash IS 'SHA-256 of prev_hash || canonical.';
COMMENT ON COLUMN loaxa_events.canonical IS 'The bytes the box hashed, exactly: a JSON array [seq, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details].';
COMMENT ON COLUMN loaxa_events.at IS 'When it happened (UTC; show it in Asia/Ho_Chi_Minh).';
COMMENT ON COLUMN loaxa_events.kind IS 'What happened: playout_finished, playout_missed, post_succeeded, ... (docs/central.md).';
COMMENT ON COLUMN loaxa_events.broadcast_id IS 'The schedule''s broadcast id, or province:ID for a province bulletin, or now:... for an operator''s announcement.';
COMMENT ON COLUMN loaxa_events.scheduled_at IS 'The occurrence''s instant (UTC), for playout and post events.';
COMMENT ON COLUMN loaxa_events.channel IS 'The channel a post went to (facebook, zalo, ...), or loudspeaker.';
COMMENT ON COLUMN loaxa_events.campaign IS 'The campaign the broadcast belongs to, if any.';
COMMENT ON COLUMN loaxa_events.details IS 'The kind''s own fields (docs/central.md).';
COMMENT ON COLUMN loaxa_events.received_at IS 'When the centre stored it.';
COMMENT ON TABLE loaxa_rejections IS 'What the centre refused and why (reason: see loaxa_reasons), never dropped silently.';
COMMENT ON TABLE loaxa_resets IS 'The new chains the province accepted (a box whose history was lost or restored): append-only.';
COMMENT ON TABLE loaxa_bulletins IS 'Province bulletins pushed down to the communes (all, or those listed in communes).';
COMMENT ON TABLE loaxa_reasons IS 'The refusal reasons, with their meaning in Vietnamese and English.';
COMMENT ON VIEW loaxa_programmes_daily IS 'Programmes aired, missed, failed and interrupted per station per day (Asia/Ho_Chi_Minh).';
COMMENT ON VIEW loaxa_posts_daily IS 'Posts per station, day and channel: posted, failed, skipped by policy, unconfirmed.';
COMMENT ON VIEW loaxa_relay_hours_daily IS 'Hours relayed per station per day.';
COMMENT ON VIEW loaxa_missed IS 'Every missed programme, with its details.';
COMMENT ON FUNCTION loaxa_sweep() IS 'Re-verifies every station''s chain from the stored bytes: first_break NULL means intact.';
