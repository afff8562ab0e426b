
## The daemon: start-up, its summary and its lines in the journal (src/daemon)

daemon-lock-held-hint = stop the other one first (`systemctl stop loaxa`), or give this configuration its own [station] data folder
daemon-no-runtime = cannot start the runtime: { $why }
daemon-data-readable = { $path } can be read by other users (mode { $mode }); it holds the station's record and tokens: chmod go-rwx { $path }
daemon-schedules-invalid = the schedules are invalid: { $places }
daemon-schedule-errors = { $n ->
            [one] 1 error
           *[other] { $n } errors
    } in the schedules
daemon-last-good = { $why }; loaxa runs the last set that loaded, saved at { $saved } ({ $n ->
            [one] 1 broadcast
           *[other] { $n } broadcasts
    }). Fix the files (`loaxa check` shows the errors again): the fixed set goes on air as soon as it is saved
daemon-last-good-partly = { $n ->
            [one] 1 broadcast
           *[other] { $n } broadcasts
    } of that set no longer validate (media removed?) and are left out:
daemon-no-fallback = { $why }; loaxa will not start: { $reason }, so there is nothing to fall back on
daemon-no-fallback-hint = fix the files (`loaxa check` shows the errors again), then start loaxa again
daemon-rolled-back = { $why }. loaxa will not start on it
daemon-rolled-back-hint = put back the newest history.db if you have it; otherwise start once with `loaxa run --accept-history-reset` (recorded in the history; posts that may already have gone out are held as unconfirmed, not sent again)
daemon-spill-recovered = { $n ->
            [one] 1 event
           *[other] { $n } events
    } kept in the spill file by the last run were written into the history
daemon-status-last-good = the schedules folder is invalid: the last set that loaded is on the air
daemon-recovered-sending = posts were being sent when loaxa stopped; they are checked before any resend
daemon-channel-disabled = channel disabled: its posts wait in the outbox
daemon-channel-problem = channel { $channel }: { $why }
daemon-cannot-listen = cannot listen on { $listen }: { $why } (set [http] listen)
daemon-part-history = the history writer
daemon-part-worker = the worker of channel { $channel }
daemon-stopping = stopping
daemon-internal-failure = internal failure: { $part } stopped on its own; loaxa stops so that systemd starts it again
daemon-unwritten = { $n ->
            [one] 1 history event
           *[other] { $n } history events
    } could not be written
daemon-reset-accepted = { $why }; running on it as told (--accept-history-reset)
daemon-reset-unconfirmed = the history was reset to an older copy; this post may already have gone out before { $before } (check the platform, then `loaxa post` it if it did not)
daemon-reset-hold-failed = cannot hold the outbox after the history reset
daemon-not-played = { $title } ({ $id }, { $at }) was not played: { $why }
daemon-not-played-key = { $key } was not played: { $why }
daemon-device-problem = sound device `{ $device }`: { $why }
daemon-sighup = SIGHUP: reloading the schedules
daemon-summary-set = { $files ->
            [one] 1 schedule file
           *[other] { $files } schedule files
    }, { $broadcasts ->
            [one] 1 broadcast
           *[other] { $broadcasts } broadcasts
    }; timezone { $timezone }
daemon-summary-status = status: { $url }
daemon-summary-warning = WARNING
daemon-summary-device = loudspeaker: sound device `{ $device }` opens (held open between programmes, asking for { $ms } ms of latency)
daemon-summary-device-opening = loudspeaker: sound device `{ $device }` did not answer within { $seconds } s; loaxa keeps opening it (the dashboard shows when it is ready)
daemon-summary-device-released = loudspeaker: sound device `{ $device }` found (opened for each programme: an emergency on an idle line waits for the open, [audio] release_when_idle)
daemon-summary-device-problem = loudspeaker: sound device `{ $device }` PROBLEM: { $why } (see `loaxa devices`)
daemon-summary-in = in { $hours }h{ $minutes }m
daemon-summary-nothing = nothing in the next 7 days
daemon-summary-channel-off = channel { $channel }: DISABLED: { $why }
daemon-summary-channel-ready = channel { $channel }: ready

## The scheduler (src/daemon/scheduler.rs)

sched-long-away = loaxa was not running for { $away } (since { $since }); only the last day is checked for missed programmes
sched-playing-late = playing late (within grace)
sched-clock-jumped = the wall clock jumped { $direction } { $span } (from { $from } to { $to }); re-planning from the new time
sched-was-on-air = was on air when loaxa stopped: recorded interrupted
sched-stopped-during-playback = loaxa stopped during playback
sched-gap-jump = the clock jumped forward { $span } (from { $from } to { $to }) over { $at }, and the grace period ({ $grace } min) had passed
sched-gap-down = loaxa was not running at { $at }{ $seen } and the grace period ({ $grace } min) had passed by { $now }
sched-last-seen = {" "}(last seen running at { $at })
sched-not-played = not played: { $why }
sched-not-posted = not posted: { $why }; a post this late is not sent ([policy] post_missed = true sends it anyway)
sched-cannot-queue = cannot queue the post
sched-queue-disk-full = { $key } → { $channel }: the disk is full, so the post cannot be queued. Free some disk space: loaxa queues it again by itself.

## Reloading the schedules (src/daemon/reload.rs)

reload-cannot-keep = cannot keep a copy of the schedules for a restart: { $why }
reload-failed = schedule reload: { $why }
reload-rejected = the edited schedules are invalid ({ $places }); the previous set keeps running
reload-not-read = { $file } is not read: schedule files must end in `.toml`; rename it to `{ $fixed }` to put its broadcasts on the air
reload-done = schedules reloaded
reload-no-watcher = cannot watch the schedules folder; it is rescanned every { $seconds } s
reload-watcher-refused = the system refused a watcher
reload-cannot-watch = cannot watch { $path }: { $why }; edits are picked up by a rescan every { $seconds } s
reload-folder-replaced = the schedules folder was replaced; watching the new one
last-good-none = no schedule set has ever loaded on this station
last-good-damaged = the saved copy { $path } is damaged: { $why }
last-good-hash = { $file } does not match its SHA-256
last-good-name = { $file } has no valid file name
lock-held = another loaxa is running on the data folder { $data }{ $pid }
lock-failed = cannot lock the data folder { $data }: { $why }
rejected-summary = { $n ->
        [one] 1 error
       *[other] { $n } errors
    }, at { $places }{ $more ->
        [0] {""}
       *[other] {" "}and { $more } more
    }; run `loaxa check` to see them
reason-interrupted-by = interrupted by { $by }
reason-by-officer = the officer { $name }
reason-interrupted-shutdown = interrupted as loaxa stopped
span-seconds = { $s } s
span-minutes = { $m } min
span-hours = { $h } h { $m } min
span-days = { $d ->
            [one] 1 day
           *[other] { $d } days
    }
span-days-hours = { $d ->
            [one] 1 day
           *[other] { $d } days
    } { $h } h

## Guarding the history (src/history/guard.rs)

guard-anchor-unreadable = { $why }; the history cannot be compared with it this time
guard-missing = { $path } is missing, but loaxa had recorded { $n } events in it
guard-replaced = { $path } is not the history loaxa was writing: its event { $seq } differs from the one recorded
guard-older = { $path } ends at event { $seq }, but loaxa had recorded { $n } events: it is an older copy (a restored backup?)
guard-unwritten = { $path } ends at event { $seq } and its spill file lacks { $n } events that loaxa recorded after event { $seq }: the disk was full and they could not be kept (the log lists each as “unwritten history event”)
guard-spill-unreadable = cannot read the history spill file; it is left for the next start
guard-spill-written = events kept in the spill file by the last run are now in the history
guard-spill-kept = the spill file cannot be written into the history yet; it is kept

## HTTP answers people read (src/daemon/http.rs)

http-too-large = the page is too large
http-body-too-large = the request body is larger than 16 kB
http-body-too-slow = the request body did not arrive within { $seconds } s
http-cannot-show = the page cannot be shown
http-no-dashboard = the dashboard cannot be built right now
http-no-board = no such board
http-board-unreadable = the board cannot be read right now

## Breaks in the history chain (src/history/verify.rs)

break-edited = event { $seq } was modified: its contents no longer match its hash
break-deleted-one = event { $seq } is missing: it was deleted
break-deleted = events { $from } to { $to } are missing: they were deleted
break-relinked = event { $seq } does not follow event { $before }: rows were inserted, deleted and renumbered, or reordered
break-truncated = the history ends at event { $last }, but the published head is event { $head }: events were cut off the end
break-head-mismatch = event { $seq } has a different hash than the published head: the history was rewritten

## Why a post did not go out (src/channels, src/outbox.rs): kept in the history

post-cannot-connect = cannot connect: { $why }
post-timeout = no answer before the timeout: { $why }
post-failed-after-sending = the connection failed after sending: { $why }
post-cannot-read = cannot read { $path }: { $why }
post-rate-limited = { $platform }: rate limited (429)
post-not-authorised = { $platform }: not authorised ({ $status }): { $answer }
post-server-error = { $platform }: server error { $status }: { $answer }
post-http-error = { $platform }: HTTP { $status }: { $answer }
post-no-id = { $platform } answered { $status } without a post id: { $answer }
post-no-message = no message
post-platform-error = { $platform } error { $code }: { $message }
post-facebook-token = { $why } (the Page access token has expired or is invalid: renew it)
post-facebook-not-found = not found among the page's recent posts
post-rate-limited-why = { $platform }: rate limited: { $why }
post-unreadable-answer = { $platform } answered { $status } without a readable body: { $answer }
post-webhook-answered = webhook answered { $status }: { $answer }
post-webhook-refused = webhook refused the message ({ $status }): { $answer }
post-wordpress-not-yet = no post with this slug yet
post-zalo-refresh-lost = Zalo token refresh got no answer ({ $why }); the refresh token may be spent: check the OA's tokens
post-zalo-refresh-refused = Zalo refused the token refresh: { $why }
post-zalo-unconfirmed = the article was created but not confirmed: { $why }
post-zalo-token-invalid = Zalo error -216: the access token is invalid even after a refresh
post-zalo-no-token = Zalo accepted the article without a token to verify it
post-zalo-token-expired = the article was created but the token expired before verification (token { $token })
post-zalo-no-id = Zalo verified the article without giving its id (token { $token })
post-zalo-no-code = Zalo answered without an error code: { $answer }
post-cannot-check = an earlier attempt may have reached { $channel } before loaxa stopped, and { $kind } offers no way to check
post-safe-to-repeat = { $why } (safe to repeat: the platform recognises repeats)
post-checked-not-created = { $why } (checked: not created)
post-gave-up-maybe-sent = gave up after { $attempts } attempts, and an earlier one may have created the post: { $why }
post-gave-up = gave up after { $attempts } attempts: { $why }
post-no-post = broadcast `{ $id }` has no [broadcast.post]
playout-device-failed = the sound device failed during playback: { $why }
playout-stalled = playback stalled: still running { $seconds } s after its audio should have ended; the sound device was reopened

## Playing audio (src/playout)

playout-no-device = no sound device for { $seconds } s after the scheduled time: { $why }
playout-device-unavailable = device unavailable
playout-file-missing = audio file { $path } is missing
playout-file-unreadable = cannot open audio file { $path }: { $why }
playout-file-empty = audio file { $path } is empty
playout-cannot-decode = { $path } cannot be decoded: { $why }
playout-no-audio = { $path } holds no audio
playout-damaged = { $path } is damaged: only { $decoded } s of its { $announced } s decode
device-no-default = no default output device
device-cannot-list = cannot list output devices: { $why }
device-not-found = no output device named `{ $name }` (see `loaxa devices`)
device-input-not-found = no capture device named `{ $name }` (see `loaxa devices --input`)
device-cannot-open = cannot open output device `{ $name }`: { $why }

## The history writer, the playout line and the outbox in the journal

log-writer-stopped = history writer has stopped; event not recorded
log-writer-stopped-short = the history writer has stopped
log-history-closed-unwritten = history closed with events unwritten
log-backlog-written = history backlog written
log-history-unwritable = cannot write the history; keeping events in memory and retrying
log-history-still-unwritable = history still cannot be written
log-spill-unwritable = cannot write the history spill file either; the events follow in the log
log-spill-unreserved = cannot take room for the history spill file now; on a full disk it may hold nothing
log-spill-uncleared = cannot empty the history spill file after writing its events; the next start skips those already written
log-unwritten-event = unwritten history event
log-anchor-unwritable = cannot update the history anchor
log-wal-rescued = the history's journal was deleted or replaced; its events were copied into { $path } and the history reopened
log-history-reopen-failed = cannot reopen the history
log-chain-unverifiable = cannot verify the history chain
log-chain-broken = the history chain is broken: { $why }
log-wal-copy-failed = cannot copy the deleted journal into the history
log-wal-copy-busy = the history's journal was deleted; readers still hold it, so its events are copied at the next heartbeat
store-corrupt = { $path } is not a SQLite database (or is damaged): { $why }. It was left untouched; restore it from a backup or move it aside
store-foreign = { $path } is a database of another program, not a loaxa history. It was left untouched; set [station] data to another folder
store-too-new = { $path } was written by a newer loaxa (schema { $found }, this one knows { $known }); upgrade loaxa
store-missing = no history at { $path } yet
store-sqlite = history database error: { $why }
store-folder = cannot create the data folder { $path }: { $why }
log-no-playout-thread = cannot start the playout thread
log-already-queued = programme already accepted; not queued twice
log-on-air = programme on air
log-device-error = sound device error
log-emergency = emergency cuts in
log-cannot-play = programme cannot play
log-device-back = sound device available again
log-device-retry = cannot open the sound device; retrying
daemon-device-slow = the sound device { $device } takes { $ms } ms to play a sound: an unannounced emergency is heard that late (lower [audio] latency_ms)
log-device-runs-ahead = the sound device takes audio far faster than it could play it (not a sound card or a sound server: ALSA's null or file plugin?); it is closed between programmes instead of being held open
log-device-latency = sound device open; latency granted
log-device-slow = the sound device takes { $ms } ms to play a sound: an unannounced emergency is heard that late; lower [audio] latency_ms, or ask the sound server for a shorter buffer
log-waits = programme waits for the line
log-outbox-reopen-failed = cannot reopen the outbox
outbox-unwritable = cannot write the outbox: { $why }
outbox-unupdatable = cannot update the outbox: { $why }
outbox-cannot-open = cannot open the outbox in { $path }: { $why }
outbox-unreadable = cannot read the outbox: { $why }
outbox-task-lost = the outbox's write ended without an answer: { $why }
log-outcome-unrecorded = cannot record the outcome in the outbox; trying again
log-posted = posted
log-post-retry = post will be retried
log-post-failed = post did not go out
daemon-part-scheduler = the scheduler
daemon-part-line = the loudspeaker line
post-answer-unreadable = the answer could not be read: { $why }
post-platform-dedupes = the platform deduplicates repeats
post-no-client = cannot build the HTTP client: { $why }
board-unwritable = cannot store the board post: { $why }
board-task-failed = board task failed: { $why }
log-history-limit = cannot limit history size
sched-first-start = first start on this station: { $n ->
    [one] the programme
   *[other] the { $n } programmes
} due in the grace period before { $at } { $n ->
    [one] is
   *[other] are
} not played, posted or recorded (loaxa was not running this station yet)
sched-gap-burst-down = loaxa was not running when it fell due{ $seen }
sched-burst = not played: { $why }, and more programmes fell due meanwhile than play back to back after an outage; at most { $max ->
    [one] one plays
   *[other] { $max } play
} ([policy] catch_up), emergencies first, then priority, then the newest
playout-device-hung = the sound device did not open within { $seconds } s: it is not answering (a stalled sound card or sound server); loaxa keeps waiting for it and will play once it opens
device-format-unsupported = the device only takes samples as { $format }, which loaxa cannot write
log-device-glitch = the sound device had a passing problem and plays on (an underrun or a busy sound server); each can be a short gap in the sound
log-finished-with-glitches = programme finished, with { $count } passing device problems (each can be a short gap in the sound)
playout-device-silent = the sound device stopped taking audio for { $seconds } s; it was closed and is being opened again
device-no-sound-server = no PulseAudio or PipeWire server answers, so `{ $name }` cannot be reached (is the desktop session running? PULSE_SERVER can name the server)
log-stopped-by-operator = programme stopped by an operator
control-cannot-listen = cannot open the control socket { $path }: { $why }; `loaxa now`, `stop` and `queue` will not reach this daemon (scheduled programmes are not affected)
control-listening = control socket open (loaxa now, stop, queue)
control-version = the command speaks control protocol { $theirs } and this daemon { $ours }: use the loaxa binary of the running daemon
control-bad-request = not a loaxa control request: { $why }
control-too-large = the request is larger than { $kb } kB: a spoken announcement this long belongs in a schedule file (speak = "…")
control-no-broadcast = no broadcast `{ $id }` in the schedules (see `loaxa plan`)
control-no-broadcast-near = no broadcast `{ $id }` in the schedules; did you mean `{ $near }`?
control-bad-priority = `{ $given }` is not a level: use normal, priority or emergency (thông thường, ưu tiên, khẩn cấp)
control-not-on-loudspeaker = broadcast `{ $id }` is not on the loudspeaker (its `channels` do not include "loudspeaker"): nothing to air
control-no-line = the loudspeaker line is stopping: nothing can be aired now
control-internal = the programme could not be prepared (an internal error; see the daemon's log)
control-bad-file = `{ $file }` cannot be aired: it must be an audio file inside the media folder { $media } ({ $why })
control-accept-failed = the control socket could not take a connection; trying again
control-too-many = the control socket refused connections from user { $user } (uid { $uid }): at most { $per_user } at once per user, { $total } in all
control-now-what = `now` needs a broadcast id or --file
log-held-by-operator = held back by an operator: it will not air
control-already-on-line = { $key } is already on the line (this broadcast was asked for this second): see `loaxa queue`
live-title = Live: { $user }
live-cannot-open = cannot open the capture input `{ $device }`: { $why } (see `loaxa devices --input`, or set [audio] live_input)
live-cannot-record = cannot record the live: { $why }
live-until-past = the --until time has already passed
live-until-too-far = --until is { $minutes } min away; a live lasts at most { $max } min ([audio] live_max_minutes)
live-for-too-long = --for must be between 1 s and { $max } min ([audio] live_max_minutes), not { $minutes } min
live-input-hung = the capture input did not open within 10 s
log-live-ended = live ended
live-input-silent = it gave no audio within { $seconds } s (is it connected and unmuted?)
log-panel-login = logged in to the control page
log-panel-login-failed = a wrong password on the control page
tts-espeak-missing = espeak-ng cannot run ({ $why }): install it with `sudo apt install espeak-ng` (make run and make test do)
tts-command-failed = the speech command `{ $command }` failed: { $why }
tts-model-changed = the voice model { $path } is not the one pinned (sha256 { $want }, found { $got }): check it, then set model_sha256
tts-not-audio = { $provider } answered with something that is not audio
tts-not-audio-why = { $provider } gave audio that cannot be played: { $why }
tts-timeout = { $provider } did not answer within { $seconds } s
tts-cloud-failed = { $provider }: { $why }
tts-cloud-no-url = the answer has no audio address
tts-fallback-urgent = an urgent bulletin does not wait for { $provider }: read offline by espeak-ng
log-tts-fallback = a speech provider failed: read offline by espeak-ng instead
tts-render-failed = the speech of `{ $id }` cannot be rendered: { $why }
tts-archive-failed = the aired speech could not be kept for the audit: { $why }
tts-fallback-late = the voice asked for was not ready in time: read offline by espeak-ng
log-tts-rendered = speech rendered ahead of air time
log-tts-pruned = aired speech older than [tts] keep_days, or past [tts] aired_mb, deleted
log-tts-aired-over-bound = aired speech is over [tts] aired_mb: the oldest was deleted before its keep_days (the history keeps each one's SHA-256)
control-no-channel = there is no channel `{ $channel }` (channels: { $known })
control-no-post = `{ $id }` has no [broadcast.post]: it can only go to the loudspeaker
relay-no-ffmpeg = ffmpeg cannot run ({ $why }): install it with `sudo apt install ffmpeg`
relay-stalled = the source sent nothing for { $seconds } s
relay-redirects = the source redirected more than 5 times
relay-redirect-inside = the source redirected to { $host }, an address of this box or its link: not followed
relay-refused-inside = the stream sent ffmpeg to { $host }, an address of this box or its link: refused
relay-no-gate = cannot open the gate the relay's ffmpeg goes through: { $why }
relay-ended = the source ended the stream
log-relay-lost = the relay's source was lost: connecting again
log-relay-fallback = the relay's source is stalled or silent: the fallback plays
log-relay-back = the relay's source has signal again: back on air
relay-probe-timeout = no answer within { $seconds } s
log-relay-ffmpeg = the relay's source is decoded with ffmpeg
relay-no-track = the stream has no audio track
relay-undecodable = the stream sent bytes for { $seconds } s and none of them decoded to audio
relay-decoded-natively = decoded natively
relay-decoded-by-ffmpeg = decoded by ffmpeg
central-connect = cannot connect to the central database: { $why }
central-query = the central database said: { $why }
central-unknown-station = the centre has no station `{ $id }`: the province's operator runs `loaxa central init --station { $id }`
central-rootcert = cannot read the CA certificate { $path }: { $why }
log-central-back = the centre answers again
log-central-down = the history could not be pushed to the centre: trying again
log-central-failing = nothing has reached the centre since { $since } ({ $why }): the province sees this commune as it was then
log-central-failing-over = the history reaches the centre again
log-central-refused = the centre refused event { $seq } ({ $reason }: { $meaning }): what follows it is held back on the box
province-no-folder = cannot make the folder { $path } for the province's bulletins: { $why }
province-cannot-keep = cannot keep the province's bulletin { $id }: { $why }
province-expired = its time to air has passed
province-empty = the bulletin has neither audio nor text
province-too-large = its audio is { $mb } MB, more than the 64 MB a bulletin may carry: not taken (the province can publish it as MP3)
log-province-received = a province bulletin was received
log-province-not-aired = a province bulletin was not aired
central-bulletin-damaged = the province's bulletin { $id } is damaged (its audio does not match its hash): not taken
central-reason-tampered = its bytes do not give its hash
central-reason-out-of-order = not the next link of the station's chain
central-reason-fork = another event under a number the centre already holds
central-reason-unreadable = the centre cannot read its bytes
central-reason-oversized = larger than 1 MiB, larger than any real event: the centre kept only its size
central-reason-unknown = the centre recorded no reason
log-central-parted = the box's history leaves the centre's after event { $seq } (it was lost, or restored from an older copy): nothing more is sent until the province accepts the new chain (loaxa central accept-reset --station { $id })
central-silent = the central database did not answer within { $secs } s: the link is taken for dead, and opened again
relay-no-credential-here = this address cannot carry a user and password
central-auth-cleartext = the centre asked for the password in clear text; loaxa sends it only by SCRAM (the centre needs password_encryption = scram-sha-256 and scram-sha-256 in pg_hba.conf)
central-auth-md5 = the centre asked for an MD5 password; loaxa sends its password only by SCRAM (the centre needs password_encryption = scram-sha-256 and scram-sha-256 in pg_hba.conf)
