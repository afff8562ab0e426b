
## The dashboard (src/daemon/dashboard.rs)

dash-stage-upcoming = Upcoming
dash-stage-playing = On air
dash-stage-done = Played
dash-stage-late = Late
dash-stage-missed = Missed
dash-stage-failed = Failed
dash-stage-interrupted = Interrupted
dash-note-posting = posting
dash-note-late = { $seconds } s late
dash-note-waiting = waiting behind { $behind }
dash-note-waiting-other = waiting behind another programme
dash-note-not-yet = not played yet
dash-note-unrecorded = not recorded
dash-note-played-late = played { $seconds } s late
dash-post-posted = Posted
dash-post-failed = Failed
dash-post-unconfirmed = Unconfirmed
dash-post-skipped = Not posted (too late)
dash-post-sending = Sending
dash-post-upcoming = Not due yet
dash-post-waiting = Waiting
dash-span-seconds = { $s } s
dash-span-minutes = { $m } min { $s } s
dash-span-hours = { $h } h { $m } min
dash-running-since = running since { $since }
dash-since = since { $since }
dash-idle = The loudspeaker is idle.
dash-device-failing = The sound device “{ $device }” cannot be opened
dash-device-failing-help = Programmes that come due will not play. Check the loudspeaker cable, the amplifier and `loaxa devices`.
dash-device = Sound device: “{ $device }”
dash-device-last-ok = last opened fine at { $at }
dash-device-unused = not used since the start
dash-next = Next
dash-in = in { $span }
dash-nothing-next = Nothing in the next 7 days.
dash-schedules = Schedules
dash-schedules-loaded = { $broadcasts ->
            [one] 1 broadcast
           *[other] { $broadcasts } broadcasts
    } from { $files ->
            [one] 1 file
           *[other] { $files } files
    }, loaded at { $at }
dash-file = File
dash-last-good = The schedule files have errors
dash-last-good-detail = the loudspeaker airs the last good set (saved at { $saved }). Fix the errors and save: the new schedule runs at once.
dash-exposed = This page is open to the whole network
dash-not-watching = The schedules folder cannot be watched
dash-rejected = The schedule edit of { $at } was rejected
dash-rejected-detail = the previous schedule keeps running. Run `loaxa check` on the station computer to see each error, fix it and save again.
dash-channels-down = Channels not working
dash-history-down = The history cannot be written
dash-history-down-detail = { $waiting } events waiting ({ $spilled } kept in the spill file); the loudspeaker keeps playing. Free some disk space and loaxa writes them by itself.
dash-chain-broken = The history chain is broken
dash-chain-ok = History chain: { $verified } / { $head } events checked, intact.
dash-history-unreadable = The history cannot be read
dash-today = Today, { $date }
dash-today-nothing = Nothing airs today.
dash-col-time = Time
dash-col-broadcast = Broadcast
dash-col-level = Level
dash-col-state = State
dash-col-channels = Channels
dash-col-note = Note
dash-col-channel = Channel
dash-col-scheduled = Scheduled for
dash-col-attempts = Attempts
dash-col-reason = Reason
dash-col-at = At
dash-col-event = Event
dash-col-target = Broadcast → channel
dash-outbox = Posts queue
dash-outbox-empty = No post is waiting or failed.
dash-retry-at = retry at { $at }
dash-failures = Recent problems
dash-failures-none = No problem in the last 2 days.
dash-daemon-errors = Messages from loaxa
dash-today-more = { $earlier } earlier and { $later } later occurrences are not listed here; `loaxa plan` shows the whole day.
dash-outbox-more = and { $n } more rows, counted above
