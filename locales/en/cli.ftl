
## Command-line output (src/cmd)

cli-config-not-found = config file { $path } not found
cli-config-not-found-hint = run loaxa in the station folder, or pass --config PATH/TO/loaxa.toml
cli-config-invalid = the configuration is invalid ({ $why }); nothing was loaded
cli-schedules-invalid = { $n ->
            [one] 1 error
           *[other] { $n } errors
    } in the schedules; fix them first (`loaxa check` shows them again)
cli-not-a-date = `{ $text }` is not a date or date-time: write 2024-04-15, 15/04/2024, 2024-04-15T06:00 or "15/04/2024 6h"
cli-no-schedules-folder-hint = create the folder, or set `schedules = "…"` under [station] in the config
cli-days-too-far = --days: the window ends after the last date loaxa can handle
cli-secret-missing = channel `{ $channel }`: { $why }; its posts wait in the outbox until it is set and loaxa is restarted
cli-check-summary = { $files ->
            [one] 1 schedule file
           *[other] { $files } schedule files
    }, { $broadcasts ->
            [one] 1 broadcast
           *[other] { $broadcasts } broadcasts
    }: { $errors ->
            [one] 1 error
           *[other] { $errors } errors
    }, { $warnings ->
            [one] 1 warning
           *[other] { $warnings } warnings
    }
cli-check-failed = { $summary }. Fix the errors above; nothing from these files will be used until then.
cli-ok = ok
cli-new-written = written: { $path }
cli-new-next = next: fill in the title, the audio file and the post text, then run `loaxa check`
cli-new-exists = { $path } already exists; loaxa new never overwrites a file
cli-new-exists-hint = choose another id, or edit that file
cli-cannot-write = cannot write { $path }: { $why }
cli-new-cannot-write-hint = check that the schedules folder ([station] schedules) exists and can be written
cli-new-bad-id = `{ $id }` cannot be an id: use letters without accents, digits, - and _, e.g. ban-tin-sang
cli-new-bad-day = --days: `{ $day }` is not a day; use t2…t7, cn, or mon…sun
cli-plan-cannot-write = cannot write the plan: { $why }
cli-to-before-from = --to must be after --from
cli-window-too-long = the window is longer than { $days } days: give a shorter one
cli-plan-heading = Plan from { $from } to { $to } ({ $timezone }): { $n ->
            [one] 1 occurrence
           *[other] { $n } occurrences
    }
cli-plan-time = time
cli-plan-priority = priority
cli-plan-length = length
cli-plan-id = id
cli-plan-channels = channels
cli-plan-title = title
cli-plan-nothing = Nothing airs in this window.
cli-no-history = there is no history at { $path }
cli-no-history-hint = check [station] data in the config; loaxa creates the history when it first runs
cli-verify-unreadable = BROKEN: the history cannot be read to the end: { $why }
cli-verify-broken = BROKEN: { $why }
cli-verify-first-broken = first broken event: { $seq }
cli-verify-last = last event in the file: { $head }
cli-verify-ok = ok: { $n ->
            [one] 1 event
           *[other] { $n } events
    }, chain intact
cli-verify-head = head: { $head }
cli-verify-empty = ok: the history is empty
secret-env-missing = the environment variable { $var } is not set (it should hold the channel's token or secret)
secret-file-unreadable = cannot read token file { $path }: { $why }
secret-file-open = token file { $path } can be read by other users (mode { $mode }); run `chmod 600 { $path }` so only loaxa's user can read it
secret-file-empty = token file { $path } is empty

## loaxa status

status-no-answer = the daemon does not answer at { $url }: { $why }
status-no-answer-hint = is `loaxa run` running with this config? (systemctl status loaxa)
status-on-air = on air: { $title } (since { $since })
status-on-air-nothing = on air: nothing
status-device-failing = LOUDSPEAKER: sound device `{ $device }` FAILING since { $since }: { $why }
status-device = loudspeaker: sound device `{ $device }` { $state ->
            [ok] opens and plays
            [unused] not opened yet since loaxa started
           *[other] { $state }
    }
status-history-degraded = HISTORY DEGRADED since { $since }: { $why } ({ $waiting } events waiting, { $spilled } in the spill file)
status-chain-broken = HISTORY CHAIN BROKEN: { $why }
status-next = next:
status-in = in { $span }
status-outbox = outbox: { $pending } pending, { $unconfirmed } unconfirmed, { $failed } failed, { $posted } posted
status-unconfirmed = UNCONFIRMED
status-schedules = schedules: { $n ->
            [one] 1 broadcast
           *[other] { $n } broadcasts
    }, loaded { $at }
status-last-good = SCHEDULES: the folder is invalid; airing the last set that loaded (saved { $saved })
status-reload-inactive = hot reload inactive: { $why }
status-rejected = REJECTED EDIT at { $at }
cli-unknown-kind = unknown event kind `{ $kind }`; kinds are: { $kinds }
cli-cannot-write-output = cannot write: { $why }
cli-report-cannot-render = cannot render the report: { $why }
cli-report-wrote = wrote { $path }: { $first } – { $last }, { $airings } airings, { $posts } posts, { $failures } failures
cli-report-broken = BROKEN: the history has been altered: { $why }
cli-report-broken-hint = the report says so on its first page; run `loaxa verify` for details
cli-report-verified = history verified, head { $head }
cli-play-playing = playing { $n ->
            [one] 1 file
           *[other] { $n } files
    } on `{ $device }` at volume { $volume }
cli-play-started = started (handed to the device { $ms } ms after the request)
cli-play-device-error = device error: { $why }
cli-play-finished = finished
cli-no-devices = no sound output devices found (is a sound card or ALSA configuration present?)
cli-device-default = {" "}(default)

## loaxa post

post-no-broadcast = no broadcast with id `{ $id }`{ $hint }
post-no-channel = no channel `{ $channel }` in { $config } (`loudspeaker` is not posted to)
post-no-web-channel = broadcast `{ $id }` lists no web channel; name one with --channel
post-cannot-start = cannot start: { $why }
post-not-sent = { $channel }: not sent: { $why }
post-resume = { $channel }: an earlier attempt was stopped while sending; the platform is checked before any resend
post-not-posted = { $channel }: not posted: { $why }
post-not-queued = { $channel }: not queued: { $why }
post-posted = { $channel }: posted ({ $remote })
post-not-yet = { $channel }: not yet: { $why }; the daemon retries at { $at }
post-outbox-unreadable = cannot read the outbox: { $why }
post-refuse-sending = the post for { $when } is being sent right now by another loaxa{ $who }; wait for it (`loaxa history --id { $id }`)
post-answer-lost = its answer was lost
post-refuse-unconfirmed = the attempt for { $when } may have created the post already ({ $why }). Look on the platform; if the post is not there, run { $again }
post-refuse-pending = the post for { $when } waits for a retry at { $retry }; loaxa sends it then. To post another one now, run { $again }

## loaxa history

history-col-seq = seq
history-col-time = time
history-col-kind = kind
history-col-broadcast = broadcast
history-col-scheduled = scheduled
history-col-channel = channel
history-col-details = details
history-summary-loudspeaker = Loudspeaker, per broadcast:
history-col-started = started
history-col-played = played
history-col-failed = failed
history-col-interrupted = interrupted
history-col-missed = missed
history-col-attempts = attempts
history-col-posted = posted
history-col-unconfirmed = unconfirmed
history-summary-posts = Posts, per channel:
report-which-period = say which period: --month 2024-05, or --from 2024-05-01 --to 2024-05-31
report-period-inverted = the period ends ({ $last }) before it starts ({ $first })
report-no-midnight = { $day } has no midnight in { $timezone }
report-too-far = the period ends too far in the future
report-not-a-month = `{ $text }` is not a month; write it as 2024-05 (or 05/2024)
report-month-range = `{ $text }` is not a month; the month must be 01 to 12
report-month-out-of-range = the month is out of range
head-shape = write the head as SEQ:HASH, as `loaxa verify` prints it
head-not-a-number = `{ $text }` is not a sequence number
head-hash = the hash must be 64 hexadecimal digits
cli-zalo-no-cover = channel `{ $channel }`: no `cover_url`; Zalo very likely refuses an article without a cover picture: add cover_url = "https://…/picture.jpg" (an address Zalo can fetch)
verify-thread-stopped = the verification stopped half-way (a fault in loaxa, not in the history): run loaxa verify again
cli-play-finished-glitches = finished, with { $count } passing device problems (underruns or a busy sound server: each can be a short gap in the sound)
cli-device-does-not-open = does not open: { $why }
cli-default-device-fails = the system's default sound device does not open (name one that opens in [audio] device, or use --device). Reason: { $why }
cli-no-device-opens = none of the { $count } sound devices this machine offers opens (see `loaxa devices --all` for the reasons; is the sound card connected, or the sound server running?)
cli-device-busy = {" "}(in use: open already, by the daemon or another program)
cli-device-latency = latency { $ms } ms
cli-device-slow = { $name }: a sound takes { $ms } ms to reach the loudspeaker, more than the { $limit } ms an emergency allows; lower [audio] latency_ms, or ask the sound server for a shorter buffer
cli-now-queued = on the line now: { $key }
cli-now-posted = posts queued for: { $channels }
cli-stopped = stopped: { $key } (recorded as interrupted by you)
cli-nothing-on-air = nothing is on air
cli-queue-on-air = on air:
cli-queue-empty = nothing waits for the line
cli-queue-waiting = waiting for the line: { $count }
cli-daemon-not-running = the daemon is not running for this station (no control socket at { $path }): start it with `sudo systemctl start loaxa`, or `loaxa run`
cli-control-denied = you may not operate this station ({ $path } refused you): join the daemon's group with `sudo adduser { $user } loaxa`, then log in again
cli-control-failed = cannot talk to the daemon at { $path }: { $why }
cli-control-too-large = the request is { $kb } kB, more than the { $max } kB the daemon takes: a text this long belongs in a schedule file (speak = "…"), which `check` reads first
cli-held = held back, not aired: { $keys }
cli-skipped = skipped: { $key } (recorded as interrupted by you)
cli-next = next: { $key }
cli-nothing-next = nothing else is due: the line is quiet until the next programme
cli-no-inputs = no capture device: plug in the microphone or line-in card, then run `loaxa devices --input` again
cli-live-bad-span = `{ $given }` is not a length: write 90s, 10m or 1h30m
cli-live-on = live on the line: { $key }: speak after the chime; Ctrl-C ends it
cli-live-ends-at = it ends at { $time }
cli-live-ends-after = it ends { $seconds } s after the chime
cli-live-ends-limit = it ends after { $minutes } min at most ([audio] live_max_minutes)
cli-live-ended-bound = ended at its bound
cli-live-ended-limit = ended: a live lasts at most [audio] live_max_minutes
cli-live-ended-operator = ended by you
cli-live-ended-stopped = ended: stopped from another terminal (`loaxa stop`, `loaxa skip`), or cut off
cli-live-ended-device = ended: the capture input failed (see the daemon's log)
cli-live-summary = { $seconds } s on air, peak { $peak } dBFS, average { $rms } dBFS, { $silent } s of silence
cli-live-recorded = recording: { $path } (sha256 { $sha })
cli-live-ended-shutdown = ended: the daemon is stopping
cli-passwd-bad-name = `{ $name }` cannot be a login name: use letters, digits, `.`, `-` or `_`
cli-passwd-prompt = Password
cli-passwd-again = The same password again
cli-passwd-mismatch = the two passwords differ: nothing was made
cli-passwd-short = a password has at least 8 characters
cli-passwd-where = put this line under [http.users] in loaxa.toml (or `{ $name }:HASH` in the users_file), then restart loaxa
cli-speak-not-spoken = `{ $id }` does not speak: give it `speak = true` (or a text), or pass a text to read
cli-speak-reads = reads: { $text }
cli-speak-rendered = voice: { $provider } { $voice } ({ $engine }), { $seconds } s
cli-speak-written = written to { $path }
cli-speak-parts = this rendering is { $n } WAV parts, which do not join into one file: play it instead (without --out)
cli-check-spoken-ready = { $count ->
    [one] 1 spoken bulletin, rendered
   *[other] { $count } spoken bulletins, all rendered
}
cli-check-spoken-missing = { $count } of { $total } spoken { $total ->
    [one] bulletin is
   *[other] bulletins are
} not rendered yet ({ $ids }): the daemon renders them when it loads the schedules; `loaxa speak ID` renders one and plays it now
cli-check-source-ok = source { $name }: { $what }
cli-check-source-down = source { $name } does not answer now: { $why } (the relay plays its fallback while it is down)
cli-check-device-ok = loudspeaker `{ $device }`: opens; a sound reaches it in { $ms } ms
cli-check-device-unsettled = loudspeaker `{ $device }`: opens, but did not take audio at a steady pace within 2.5 s; is the sound server overloaded?
cli-check-device-fails = loudspeaker: { $why } (if the daemon holds the device, its latency is in /status)
cli-check-released-line = note: [audio] release_when_idle = true closes the device between programmes; an unannounced emergency on an idle line waits for it to open (50-70 ms on a sound server, up to 2 s where the server's sink has fallen back to its default buffer)
cli-central-password-dir = --password-dir is needed: each new station's password is written there (mode 0600), never printed
cli-central-schema-ready = the central schema is ready
cli-central-no-random = no random bytes from the kernel: no password made
cli-central-password-file = cannot write { $path }: { $why }
cli-central-station-ready = station { $id }: role { $role }, password in { $path } (take it to the station's box, as its token_file)
cli-central-operator-ready = operator { $name }: password in { $path } (publish, accept-reset and report log in as { $name }, with PGPASSWORD)
cli-central-analyst-ready = analyst { $name }: password in { $path } (reads every station's rows, the views and the sweep; writes nothing)
cli-central-password-kept = { $name } is already registered: its password is kept ({ $path }); --rotate-password gives it a new one
cli-central-password-kept-elsewhere = { $name } is already registered: its password is kept, and is not in { $path }; --rotate-password gives it a new one there
cli-central-person-name = "{ $name }" cannot be a login at the centre: use lowercase letters, digits and _, starting with a letter, not beginning with loaxa or pg_
cli-central-off = loaxa.toml has no [central] section
cli-central-pushed = sent { $sent } events; the centre holds up to { $head } (was { $from }), the box has up to { $local }
cli-central-refused = the centre refused event { $seq } ({ $reason }: { $meaning }): what follows it is held back on the box
cli-central-status = station { $id }: the centre holds up to { $head }, the box has up to { $local } ({ $lag } not yet sent); last contact { $contact }
cli-central-rejection =   refused: { $seq } ({ $reason }), { $times } times: { $meaning }
cli-central-priority = there is no level `{ $given }`: use normal, priority or emergency
cli-central-file = cannot read { $path }: { $why }
cli-central-published = published bulletin { $id }
cli-central-month = `{ $given }` is not a month: write YYYY-MM, for example 2024-05
cli-central-report-written = wrote the report { $path } ({ $n } communes)
cli-central-secret-missing = [central]: { $why }; the history waits on the box until it is set and loaxa is restarted
cli-central-parted = the box's history leaves the centre's after seq { $seq }: it was lost, or restored from an older copy. Nothing more is sent until the province accepts the new chain, on the centre: loaxa central accept-reset --station { $id } --reason "…"
cli-central-reset-accepted = { $id }: events 1 to { $old } kept; a new chain accepted after seq { $after } (reset { $reset })
cli-central-nothing-to-accept = { $id }: nothing to accept: the centre has refused no event from this station that starts a new chain (on the box, `loaxa central status` says where its history parts from the centre's)
