
## The station configuration (src/config.rs)

config-exposed = [http] listen = "{ $listen }" is reachable from the network: anyone who can reach it sees the dashboard, the status and the metrics; use "127.0.0.1:8640" and a reverse proxy for the public board
config-unreadable = cannot read config file { $path }: { $why }
config-errors = { $n ->
            [one] 1 error
           *[other] { $n } errors
    } in { $file }
config-not-utf8 = it is not UTF-8 text (byte { $byte }); save it as UTF-8
config-unknown-language = unknown language `{ $language }`
config-unknown-language-label = not a language loaxa speaks
config-unknown-language-hint = language = "vi" (tiếng Việt) or language = "en" (English)
config-unknown-timezone = unknown timezone `{ $timezone }`
config-unknown-timezone-label = not an IANA timezone name
config-unknown-timezone-hint = use an IANA name such as "{ $example }"
config-quiet-hours-label = invalid quiet hours
config-quiet-hours-hint = write the window as "HH:MM-HH:MM", e.g. "21:00-05:00"
config-loudspeaker-builtin = `loudspeaker` is built in and cannot be configured here
config-loudspeaker-builtin-hint = remove this [channels.loudspeaker] section; pick another name for a web channel
config-bad-channel-name = invalid channel name `{ $channel }`
config-bad-channel-name-hint = use lowercase letters, digits and dashes, e.g. [channels.facebook-xa]
config-channel-hint = see README.md, section "Channels", for the keys each kind needs
config-grace-too-long = `grace_minutes` is at most { $max }
config-too-long = too long
config-grace-too-long-hint = a programme this late is no longer the one scheduled: write a value from 0 to { $max } (the default is 10)
config-public-url = `public_url` must be an http:// or https:// address
config-public-url-hint = the address people use to reach the board, e.g. public_url = "https://loa.xa-thu.gov.vn"
config-volume-hint = 1 is full volume, 0.5 half; e.g. volume = 0.8
config-preroll-hint = a few seconds is enough to open the device and decode the files, e.g. 5
config-latency-hint = how long, in milliseconds, a sound may take from loaxa to the loudspeaker; it bounds how late an unannounced emergency is heard. Default { $default }: for example latency_ms = 40
config-chime-hint = name a file inside the media folder, e.g. chime = "chime.ogg"
config-channel-needs = a { $kind } channel needs `{ $key }`
config-secret-twice = give the { $what } as `{ $what }_env` or `{ $what }_file`, not both
config-channel-needs-token = a { $kind } channel needs its token: set `token_env = "VARIABLE"` or `token_file = "path"` (never the token itself)
config-not-web-address = `{ $address }` is not a web address: start it with https://
config-zalo-secret = a zalo channel needs the app secret: `secret_env` or `secret_file`
config-template-unknown = the template uses { $unknown }; variables are {"{"}title{"}"} {"{"}text{"}"} {"{"}link{"}"} {"{"}date{"}"} {"{"}time{"}"} {"{"}station{"}"}
config-unknown-field = unknown field `{ $key }`
config-unknown-value = unknown value `{ $value }`
config-expected-one-of = expected one of: { $choices }
config-missing-field = missing field `{ $key }`
config-missing-field-hint = add `{ $key } = …` to this section
config-invalid = { $message }
config-live-max = live_max_minutes must be between 1 and 1440, not { $given }
config-live-max-hint = how long a live with no --until or --for may stay on air, in minutes: for example live_max_minutes = 60
config-user-hash = the password hash of `{ $user }` is not an argon2 hash: { $why }
config-user-hash-hint = make one with `loaxa passwd { $user }` and paste the line it prints
config-user-hash-not-argon2 = it is { $algorithm }, not argon2
config-users-file-hint = users_file names a file of `name:hash` lines made with `loaxa passwd NAME`, readable only by loaxa (chmod 640)
config-users-file-unreadable = cannot read the users file { $path }: { $why }
config-users-file-open = the users file { $path } can be read by anyone (mode { $mode }): chmod 640 it
config-users-file-line = { $path }, line { $line }: { $why }
config-users-file-no-colon = a line is `name:hash`
config-control-no-users = control = true, but nobody may log in
config-control-no-users-hint = add a user: run `loaxa passwd NAME` and put the line it prints under [http.users] (or in users_file)
config-control-clear = control = true on { $listen }, a network address: the login would be reachable in plain HTTP on the network, whatever proxy stands in front
config-control-clear-hint = listen on 127.0.0.1 and put an HTTPS reverse proxy on this box in front, with public_url = "https://…"
tts-hint = see "Speech" in README.md: [tts] provider, voice, speed, lexicon, cache_mb, keep_days, and [tts.NAME] kind = "espeak-ng", "command", "fpt", "viettel" or "zalo"
tts-speed = [tts] speed must be a number from 0.5 to 2.0 (1.0 is normal)
tts-voice = "{ $voice }" is not a voice name: a voice is named (vi, vi+f3, banmai, hn-quynhanh), never a path
tts-lexicon-bad = cannot use the lexicon { $path }: { $why }
tts-unknown-key = [tts] has no key `{ $key }`
tts-no-provider = [tts] provider = "{ $name }" names no provider (known: { $known })
tts-provider-bad = [tts.{ $name }]: { $why }
tts-provider-needs = [tts.{ $name }] (kind = "{ $kind }") needs `{ $key }`
config-source-url = [sources.{ $name }] url must be an http:// or https:// stream address
config-source-url-hint = for example url = "https://stream.example.vn/vov1.mp3" (Icecast, SHOUTcast or an HLS .m3u8)
config-central-url-hint = write url = "postgresql://host:5432/dbname?sslmode=verify-full"; the password goes in token_env or token_file, never in the url
config-central-station = `{ $id }` is not a valid station id
config-central-station-hint = a station id is lower-case letters without tone marks, digits and dashes, for example station_id = "xa-phu-dong"
config-central-alert-after = alert_after_seconds = { $given } is too short: a link that drops for a moment would raise the alarm
config-central-alert-after-hint = give at least 5 seconds; the default, 180 (three minutes), suits a 4G link
config-central-url = not a central database address ({ $why })
config-central-password = no password in the url
config-central-sslmode = there is no sslmode `{ $mode }`: use disable, prefer, require, verify-ca or verify-full
config-central-sslmode-weak = [central] url has sslmode={ $mode }: the centre's certificate is not checked, so whoever is on the link can read the history or pose as the centre; use sslmode=verify-full (the default when the url names none), with sslrootcert=FILE for the province's own CA
config-source-credential = [sources.{ $name }] url carries a credential (a password before the host, or a token in the query): an address is shown on the dashboard and in plans, so it must not hold one
config-source-credential-hint = keep the address without it, and put the secret in a private file: token_file = "{ $name }.token" (or token_env), with user = "…" for a password (HTTP Basic) or token_query = "token" for a token in the query
config-source-auth-how = [sources.{ $name }] has a token but not how to send it
config-source-auth-how-hint = write user = "…" (the token is the password, HTTP Basic) or token_query = "token" (the token goes in the query as token=…), not both
config-source-no-token = [sources.{ $name }] says how to send a token but not where it is
