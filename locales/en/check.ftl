
## Reading a schedule file (src/schedule/parse.rs)

check-no-broadcasts = this file has no broadcasts
check-no-broadcasts-label = nothing here will air
check-no-broadcasts-hint = add a [[broadcast]] section, or move the file out of the schedules folder
check-broadcast-not-table = each broadcast must be a table
check-broadcast-not-table-hint = write each broadcast as a [[broadcast]] section
check-single-brackets = `broadcast` must be written with double brackets
check-single-brackets-label = a single table
check-single-brackets-hint = write [[broadcast]] (two brackets on each side), once before every broadcast
check-list-not-closed = a list is not closed
check-syntax-day-first-hint = a date written day first goes in double quotes: { $key } = "{ $value }" (or without quotes as { $iso })
check-syntax-backslash-hint = a backslash (\) starts an escape in TOML: separate folders with /, e.g. { $key } = { $fixed }
check-syntax-curly-quotes-hint = these are typographic quotes (from Word): use straight double quotes " on both sides, e.g. title = "Bản tin sáng"
check-syntax-too-deep-hint = lists or tables are nested far too deeply here; a schedule never needs more than a list inside a [[broadcast]]
check-syntax-unclosed-list-hint = end the list with `]` on the same line, e.g. at = ["06:15", "17:10"]
check-syntax-duplicate-key-hint = each key may appear once per section; for several values use a list, e.g. at = ["06:15", "17:10"]
check-syntax-unclosed-quote-hint = a quote is not closed: text goes between two double quotes, e.g. title = "Bản tin sáng"
check-syntax-unquoted-hint = text must be in double quotes, e.g. title = "Bản tin sáng"
check-syntax-line-shape-hint = each line is `key = value`, a [section] header, or a comment starting with #
check-syntax-generic-hint = text needs double quotes, dates are written 2024-04-15, lists use [ ] with commas
check-syntax = TOML syntax error: { $message }
check-syntax-missing-comma = a comma is missing between two items of the list
check-syntax-missing-comma-hint = separate the items with commas: { $fixed }
check-syntax-label = the file cannot be read past this point
check-campaign-inverted = the campaign ends before it starts
check-until-before-from = `until` is before `from` ({ $from })
check-dates-inverted-hint = swap the two dates, or correct the year
check-broadcast-inverted = this broadcast ends before it starts
check-bad-id = `{ $id }` is not a usable id
check-bad-id-label = ids are short codes
check-bad-id-hint = use lowercase letters, digits and dashes, e.g. id = "vneid-muc-2"
check-no-audio = this broadcast goes to the loudspeaker but has no `audio`
check-nothing-to-play = nothing to play
check-no-audio-hint = add audio = ["folder/file.mp3"] (relative to the media folder), or remove "loudspeaker" from channels
check-no-post = channel `{ $channel }` needs a [broadcast.post] with the text to publish
check-no-post-label = nothing to post
check-no-post-hint = add a [broadcast.post] section with at least text = "…" under this broadcast
check-except-outside = { $date } is outside the broadcast's dates, so excluding it changes nothing
check-except-outside-hint = check the year of this date
check-did-you-mean = did you mean "{ $word }"?
check-priority-hint = use "normal" (thông thường), "priority" (ưu tiên) or "emergency" (khẩn cấp), the levels of Circular 39/2020/TT-BTTTT
check-unknown-priority = unknown priority `{ $priority }`
check-unknown-priority-label = not a bulletin level
check-rule-conflict = `{ $first }` and `{ $second }` cannot be used together
check-rule-conflict-label = a second way of saying when
check-rule-conflict-hint = give each broadcast one of `at` (with `days`), `cron` or `on`; split it into two broadcasts if you need both
check-days-without-at = `days` only works together with `at`
check-days-without-at-label = no `at` times for these days
check-days-with-cron-hint = put the days into the cron expression instead, e.g. cron = "0 15 6 * * mon-fri"
check-days-without-at-hint = add at = ["06:15"] with the times to air on these days
check-no-rule = this broadcast never says when it airs
check-no-rule-label = no `at`, `cron` or `on`
check-no-rule-hint = add at = ["06:15"] (daily times), cron = "0 15 6 * * mon-fri", or on = ["19/05/2024 07:00"]
check-empty-list = `{ $key }` is an empty list
check-empty-at-hint = list at least one time, e.g. at = ["06:15"]
check-several-times = `{ $text }` is several times in one text
check-several-times-label = one item per time
check-several-times-hint = write each time as its own item: at = [{ $items }]
check-time-twice = { $time } is listed twice
check-first-listed-here = first listed here
check-time-twice-hint = remove one of them: it airs once either way
check-write-at = write at = "{ $time }"
check-write-at-list = write at = [{ $times }]
check-time-hint = write 24-hour local time as "HH:MM" (or 6h30), e.g. "06:15" or "17:10"
check-not-a-time = not a time of day
check-empty-days-hint = list days such as ["mon", "fri"], or remove `days` to air every day
check-several-days = `{ $text }` is several days in one text
check-several-days-label = one item per day
check-several-days-hint = use a list: days = [{ $items }]
check-not-a-day = `{ $word }` is not a day
check-not-a-day-label = unknown day
check-day-hint = use mon…sun, t2…t7 (or thứ 2…thứ 7), cn (chủ nhật), daily, weekdays or weekends
check-cron-fields = a cron expression has 5 or 6 fields; this one has { $fields }
check-cron-fields-label = wrong number of fields
check-cron-fields-hint = write "SEC MIN HOUR DAY MONTH WEEKDAY" or "MIN HOUR DAY MONTH WEEKDAY", e.g. "0 15 6 * * mon-fri"
check-bad-cron = invalid cron expression: { $why }
check-bad-cron-label = cannot be understood
check-bad-cron-hint = fields are SEC MIN HOUR DAY MONTH WEEKDAY (seconds optional), e.g. "0 15 6 * * mon-fri" for 06:15:00 on weekdays
check-empty-on-hint = list at least one date-time, e.g. on = ["19/05/2024 07:00"]
check-on-excluded = { $date } is one of the `except` days, so this instant would never air
check-on-excluded-label = excluded day
check-on-excluded-hint = remove the instant, or remove the date from `except`
check-on-outside = this instant is outside the broadcast's dates
check-on-outside-label = dates run { $from } to { $until }
check-on-outside-hint = correct the date, or widen `from` / `until`
check-empty-channels = `channels` is empty, so this broadcast goes nowhere
check-empty-channels-hint = list where it goes, e.g. channels = ["loudspeaker"]
check-channel-twice = channel `{ $channel }` is listed twice
check-channel-twice-hint = remove one: it is used once either way
check-unknown-channel-hint = known channels: { $known }; a new one needs a [channels.{ $channel }] section in { $config }
check-unknown-channel = unknown channel `{ $channel }`
check-unknown-channel-label = not configured
check-loudspeaker-is-written = the commune loudspeaker is written `loudspeaker`: replace "{ $channel }" with "loudspeaker"
check-empty-audio-hint = list the files to play, e.g. audio = ["de-an-06/vneid.ogg"]
check-chime-none = `chime = true`, but the station has no chime
check-chime-none-hint = set chime = "file.ogg" here, or [audio] chime in loaxa.toml
check-chime-type = `chime` should be true, false or a file
check-chime-type-label = not a chime
check-chime-type-hint = chime = false (no chime), chime = true (the station's), or chime = "chuong.ogg" (in media/)
check-backslash-path-hint = a backslash (\) is not a folder separator here: use /, e.g. "de-an-06/ban-tin.mp3"
check-backslash-path-fixed = use / between folders: "{ $fixed }"
check-backslash-path = this path uses a backslash (\)
check-backslash-path-label = folders are separated by /
check-media-not-found-hint = put the file under { $folder } or correct the name (paths are relative to the media folder)
check-media-outside-hint = copy the file into the media folder and name it relative to it, e.g. "de-an-06/vneid.ogg"
check-media-not-audio-hint = re-export the file as mp3, ogg, wav, flac or m4a and check that it plays
check-media-unreadable-hint = check that the file exists and is readable
check-media-label = unusable media file
check-between = `{ $key }` must be between { $min } and { $max }
check-out-of-range = out of range
check-repeat-hint = repeat = 2 plays the audio list twice; remove `repeat` to play it once
check-gap-hint = the silence between repeats, in seconds, e.g. gap_seconds = 3
check-volume-hint = 1 plays the file as it is, 0.5 at half amplitude; the master volume is [audio] volume
check-link = `link` must be a web address
check-link-label = not a URL
check-link-hint = start it with https://, e.g. link = "https://dichvucong.gov.vn"
check-quiet-hint = quiet hours are { $quiet } ([policy] quiet_hours): move it to { $end }, when they end, or before { $start }; only a real emergency may sound in them (priority = "emergency")
check-quiet-label = { $priority } broadcast in quiet hours
check-in-quiet-hours = { $when } is inside quiet hours ({ $quiet })
check-cron-in-quiet-hours = this cron expression fires inside quiet hours ({ $quiet }), e.g. at { $when }
check-never-airs = this broadcast never airs
check-never-airs-cron = this cron expression never fires within the broadcast's dates
check-never-airs-days = no day between `from` and `until` matches `days` and `except`
check-never-airs-hint = check `days`, the day and month fields, `from`, `until` and `except`
check-post-too-long-label = too long for this channel
check-post-too-long-hint = shorten the text or title, or give the channel a shorter `template` in the config

## Reading keys and values (src/schedule/fields.rs)

check-missing-key = { $what } is missing `{ $key }`
check-missing-key-label = this { $what } has no `{ $key }`
check-missing-key-hint = add a line `{ $key } = { $example }`
check-empty-value = `{ $key }` is empty
check-empty-value-hint = write something, e.g. { $key } = { $example }
check-want-strings = a string or a list of strings, e.g. ["a", "b"]
check-too-large = `{ $key }` is too large
check-want-integer = a whole number, e.g. 2
check-want-number = a number, e.g. 3
check-bad-number = `{ $key }` is not a usable number
check-want-table = a table, written [{ $key }] on its own line
check-did-you-mean-key = did you mean `{ $key }`?
check-keys-allowed = keys allowed in { $what }: { $keys }
check-unknown-key = unknown key `{ $key }` in { $what }
check-unknown-key-label = not recognised
check-what-file = a schedule file
check-want-text = text in double quotes, e.g. "…"
check-want-date = a date, e.g. 2024-04-15 or "15/04/2024"
check-not-a-date = `{ $key }` must be a plain date
check-not-a-date-label = not a date
check-not-a-date-hint = write the date without a time, as 2024-04-15 or "15/04/2024" (day first)
check-date-no-year = `{ $text }` has no year
check-date-no-year-hint = write the year too: "{ $date }"
check-date-no-such-month = there is no month { $month }
check-date-no-such-month-day-first = there is no month { $month }: a date is written day first
check-date-no-such-month-hint = write the day, then the month, then the year: "15/04/2024" is 15 April
check-date-no-such-day = `{ $text }` is not a day: { $month_name } { $year } has { $days } days
check-date-no-such-day-hint = the month's last day is "{ $last }"
check-utc-offset = `{ $key }` has a UTC offset
check-utc-offset-label = station-local times have no offset
check-utc-offset-hint = all times are in the station's timezone: drop the offset, e.g. 2024-05-19T07:00:00
check-date-time-hint = write the date and a 24-hour time, e.g. "19/05/2024 07:00" or 2024-05-19T07:00:00
check-want-date-time = a local date and time, e.g. 2024-05-19T07:00:00
check-not-a-date-time = `{ $key }` must be a date with a time
check-not-a-date-time-label = not a date-time
check-not-a-date-time-hint = write the date and a time in station time, e.g. 2024-05-19T07:00:00 or "19/05/2024 7h"
check-wrong-type = `{ $key }` should be { $want }
check-wrong-type-label = this is { $got }
check-wrong-type-hint = write `{ $key }` as { $want }
check-type-text = text
check-type-integer = a whole number
check-type-float = a decimal number
check-type-boolean = true/false
check-type-datetime = a date/time
check-type-list = a list
check-type-table = a table

## The three bulletin levels of Circular 39/2020/TT-BTTTT

priority-normal = normal
priority-priority = priority
priority-emergency = emergency

## Loading the schedules folder (src/schedule/mod.rs)

check-folder-unreadable = cannot read the schedules folder { $path }: { $why }
check-not-read = this file is not read: schedule files must end in `.toml`
check-not-read-hint = rename it to `{ $fixed }` to put its broadcasts on the air, or move it out of the schedules folder
check-file-too-large-hint = a schedule file is a few kilobytes of text: is this the right file? Move it out of the schedules folder
check-file-not-regular-hint = a schedule file must be an ordinary text file: remove this one from the schedules folder
check-file-unreadable-hint = check the file's permissions, and that it is inside the schedules folder (copy a file in rather than linking to one elsewhere)
check-file-unreadable = cannot read this file: { $why }
check-not-utf8 = this file is not valid UTF-8 text
check-not-utf8-label = unreadable byte here
check-not-utf8-hint = save the file as UTF-8 (in most editors: Save As… → Encoding: UTF-8)

## Checks across the whole set (src/schedule/validate.rs)

check-duplicate-id = duplicate id `{ $id }`
check-duplicate-id-label = used again here
check-first-used-here = first used here
check-duplicate-id-hint = ids must be unique across all schedule files: rename one, e.g. add -2
check-overlap = `{ $second }` starts at { $at } while `{ $first }` is still playing (until { $until }){ $times }
check-overlap-label = overlaps on the loudspeaker
check-still-playing = still playing
check-overlap-hint = the later one will wait its turn; move it so they do not collide
check-session-too-long = the session starting with `{ $id }` at { $at } runs { $minutes } minutes, over the { $max }-minute limit{ $times }
check-session-too-long-by = `{ $over }` takes the session that starts with `{ $id }` at { $at } to { $minutes } minutes, over the { $max }-minute limit{ $times }
check-session-too-long-label = session too long
check-session-too-long-hint = spread the programmes over another session, or shorten them ([policy] max_session_minutes)
check-on-in-the-past = `{ $id }` airs only at instants already past (the last: { $last })
check-on-in-the-past-label = will not air again
check-on-in-the-past-hint = check the year and the month of `on`; if it has aired, the broadcast can be removed
check-too-many-sessions = { $day } has { $n } loudspeaker sessions, more than the { $max } allowed{ $times }
check-too-many-sessions-label = starts a session over the limit
check-too-many-sessions-hint = group programmes into fewer sessions ([policy] max_sessions_per_day)
check-times-in-period = {" "}({ $count } times in the checked period)

## Times of day (src/localtime.rs)

time-twelve-hour = `{ $text }` is a 12-hour time: write it on the 24-hour clock, "{ $h24 }"
time-not-a-time = `{ $text }` is not a time: write HH:MM or HH:MM:SS, e.g. "06:15"
time-not-digits = `{ $text }` is not a time: use digits, e.g. "06:15"
time-hour-range = hour { $hour } in `{ $text }` is out of range: hours go from 00 to 23
time-minute-range = minute { $minute } in `{ $text }` is out of range: minutes go from 00 to 59
time-second-range = second { $second } in `{ $text }` is out of range: seconds go from 00 to 59
time-invalid = `{ $text }` is not a valid time
time-not-a-range = `{ $text }` is not a time range: write START-END, e.g. "21:00-05:00"
time-empty-range = `{ $text }` starts and ends at the same time: the window would be empty

## Media files (src/media.rs)

media-empty = the path is empty
media-absolute = `{ $path }` is an absolute path; media paths are relative to the media folder
media-escapes = `{ $path }` uses `..` to leave the media folder
media-symlink-out = `{ $path }` is a link that points outside the media folder
media-not-found = `{ $path }` does not exist in { $media }
media-not-a-file = `{ $path }` is not a regular file
media-unreadable = cannot read `{ $path }`: { $why }
media-not-audio = `{ $path }` is not playable audio: { $why }

## Posts that do not fit a platform (src/channels/template.rs)

check-post-too-long = the post for channel `{ $channel }` is { $n } characters; { $kind } takes at most { $limit }
check-zalo-title-too-long = the title is { $n } characters; a Zalo article title takes at most { $limit }

## How a diagnostic is shown (src/diagnostic.rs)

diag-long-line = line { $line } is { $total } characters long; showing columns { $from }–{ $to }
diag-note = note
diag-help = help
diag-error = error
diag-warning = warning
media-file-empty = the file is empty
media-unrecognised = unrecognised format ({ $why })
media-no-track = no audio track
media-codec = unsupported codec ({ $why })
media-no-rate = no sample rate
files-outside = it leads outside { $folder } (a link?)
files-not-regular = it is { $kind ->
            [fifo] a named pipe (FIFO)
            [device] a device
            [socket] a socket
            [folder] a folder
           *[other] something else
    }, not a regular file
media-no-audio = the file holds no audio
check-overlap-others = {" "}(behind { $others } different programmes)
check-overlap-more = { $n ->
            [one] 1 more broadcast starts
           *[other] { $n } more broadcasts start
    } while another is still playing; their warnings are not shown one by one
check-overlap-more-hint = `loaxa plan` shows when each one airs; fix the ones above first, then run `loaxa check` again
speech-symbol = `{ $token }` cannot be read aloud
speech-symbol-hint = write it as it should be said, in words
speech-address = `{ $token }` is a web or e-mail address: the speech would spell it out
speech-address-hint = write it as it should be said (for example "dịch vụ công chấm gov chấm vi en"), or leave it to the post's text only
speech-ambiguous = `{ $token }` reads two ways ({ $readings }) and nothing around it says which
speech-ambiguous-hint = write the word out in full
speech-abbreviation = `{ $token }` is not in the reading lexicon: the speech would spell it out letter by letter
speech-abbreviation-hint = write it out in full, or add `{ $token } = "…"` to the station's lexicon ([tts] lexicon)
speech-mixed = `{ $token }` mixes letters and digits: it cannot be read with certainty
speech-mixed-hint = write it as it should be said, in words
speech-number = `{ $token }` is not a number, date or time written the usual way
speech-number-hint = numbers use "." for thousands and "," for decimals (1.000.000; 12,5); dates are 15/12/2024, times 7h30 or 07:30
check-speak-no-post = `speak = true` reads the post's text, but this broadcast has no [broadcast.post]
check-speak-no-post-hint = add a [broadcast.post] with its text, or give the text to read: speak = "…"
check-speak-too-long = this text to read aloud has { $n } characters; loaxa reads at most { $max } (about twelve minutes)
check-speak-too-long-hint = split it over several bulletins, or record it and give the recording as audio = ["…"]
check-want-speak = true (read the post's text) or the text to read
check-speech-provider = there is no speech provider `{ $name }`
check-speech-provider-hint = the providers are the [tts.NAME] sections of loaxa.toml, and espeak-ng: { $known }
check-speech-speed = speed must be from 0.5 to 2.0
check-speech-speed-hint = 1.0 is the voice's normal speed; 0.9 is a little slower
check-speech-voice = "{ $voice }" is not a voice name
check-speech-voice-hint = name a voice the station's provider has, for example voice = "vi" (espeak-ng) or voice = "banmai" (FPT); never a path
check-speak-label = the speech would read this wrongly
check-relay-source = there is no source `{ $source }`
check-relay-source-hint = name a [sources.NAME] section of loaxa.toml (url = "…"), or give the stream's http(s):// address
check-relay-until-hint = until is the station time the window ends, for example until = "06:30"
check-relay-duration = `{ $given }` is not a window's length
check-relay-duration-hint = write it as 30m, 1h or 1h30m (at most a day)
check-relay-both = a relay window ends at `until` or after `duration`, not both
check-relay-both-hint = keep one: until = "06:30" or duration = "30m"
check-relay-no-end = a relay needs its window's end
check-relay-until-rule = until needs a daily time (at = "…"): with this rule the window has no start of day
check-relay-until-rule-hint = give the window's length instead: duration = "30m"
check-relay-credential = this stream address carries a credential (a password before the host, or a token in the query); schedule files are read by many, and the address would be shown
check-relay-credential-hint = name the stream in loaxa.toml, [sources.vov1] url = "…" without it, and put the secret in token_file (or token_env) there; then write source = "vov1" here
media-file-missing = the file is missing
media-file-unreadable = the file cannot be opened: { $why }
media-undecodable = the file cannot be decoded: { $why }
media-damaged = the file is damaged: only { $decoded } s of its { $announced } s decode
media-damaged-stream = its audio stream is damaged ({ $why })
check-relay-until-before = the relay ends at { $end }, at or before its start at { $start }: as written it would run { $length }, through the night
check-relay-until-before-label = ends before it starts
check-relay-until-before-hint = end it after { $start }; if it really runs past midnight, write until = "{ $end } hôm sau"
check-relay-next-day-same = until says "hôm sau", but { $end } comes after the start at { $start } the same day: the window does not cross midnight
check-relay-next-day-same-hint = remove "hôm sau": until = "{ $end }"
check-relay-into-quiet = the relay runs from { $start } to { $end }, into quiet hours ({ $quiet })
check-relay-into-quiet-label = runs into quiet hours
check-relay-into-quiet-hint = end it by { $quiet_start }: until = "{ $quiet_start }" (or start it earlier)
