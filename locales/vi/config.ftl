
## The station configuration (src/config.rs)

config-exposed = [http] listen = "{ $listen }" truy cập được từ mạng: ai vào được địa chỉ này đều xem được bảng điều khiển, trạng thái và số liệu; hãy dùng "127.0.0.1:8640" và một reverse proxy cho trang tin công khai
config-unreadable = không đọc được tệp cấu hình { $path }: { $why }
config-errors = { $n } lỗi trong { $file }
config-not-utf8 = tệp không phải chữ mã UTF-8 (byte { $byte }); hãy lưu lại với mã UTF-8
config-unknown-language = không có ngôn ngữ `{ $language }`
config-unknown-language-label = loaxa không nói ngôn ngữ này
config-unknown-language-hint = language = "vi" (tiếng Việt) hoặc language = "en" (tiếng Anh)
config-unknown-timezone = không có múi giờ `{ $timezone }`
config-unknown-timezone-label = không phải tên múi giờ IANA
config-unknown-timezone-hint = dùng tên múi giờ IANA, ví dụ "{ $example }"
config-quiet-hours-label = giờ yên tĩnh không hợp lệ
config-quiet-hours-hint = viết khoảng giờ dạng "GG:PP-GG:PP", ví dụ "21:00-05:00"
config-loudspeaker-builtin = `loudspeaker` (loa) có sẵn, không cấu hình ở đây được
config-loudspeaker-builtin-hint = xoá phần [channels.loudspeaker] này; đặt tên khác cho kênh web
config-bad-channel-name = tên kênh `{ $channel }` không hợp lệ
config-bad-channel-name-hint = dùng chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ [channels.facebook-xa]
config-channel-hint = xem README.md, mục "Channels", để biết mỗi loại kênh cần những mục nào
config-grace-too-long = `grace_minutes` tối đa là { $max }
config-too-long = quá dài
config-grace-too-long-hint = chương trình trễ đến vậy không còn đúng lịch nữa: hãy ghi từ 0 đến { $max } (mặc định là 10)
config-public-url = `public_url` phải là địa chỉ http:// hoặc https://
config-public-url-hint = địa chỉ người dân dùng để xem trang tin, ví dụ public_url = "https://loa.xa-thu.gov.vn"
config-volume-hint = 1 là âm lượng đầy đủ, 0.5 là một nửa; ví dụ volume = 0.8
config-preroll-hint = vài giây là đủ để mở thiết bị âm thanh và giải mã tệp, ví dụ 5
config-latency-hint = thời gian tối đa (mili giây) từ lúc loaxa đưa tiếng ra đến lúc loa phát; nó quyết định bản tin khẩn cấp đột xuất được nghe trễ bao nhiêu. Mặc định { $default }: ví dụ latency_ms = 40
config-chime-hint = ghi tên một tệp trong thư mục media, ví dụ chime = "chime.ogg"
config-channel-needs = kênh { $kind } cần có `{ $key }`
config-secret-twice = chỉ ghi { $what } bằng một trong hai cách `{ $what }_env` hoặc `{ $what }_file`, không ghi cả hai
config-channel-needs-token = kênh { $kind } cần mã truy cập (token): ghi `token_env = "TEN_BIEN"` hoặc `token_file = "duong/dan"` (không bao giờ ghi chính mã đó)
config-not-web-address = `{ $address }` không phải địa chỉ web: hãy bắt đầu bằng https://
config-zalo-secret = kênh zalo cần khoá bí mật của ứng dụng: `secret_env` hoặc `secret_file`
config-template-unknown = mẫu bài đăng dùng { $unknown }; các biến có sẵn là {"{"}title{"}"} {"{"}text{"}"} {"{"}link{"}"} {"{"}date{"}"} {"{"}time{"}"} {"{"}station{"}"}
config-unknown-field = mục `{ $key }` không có
config-unknown-value = giá trị `{ $value }` không có
config-expected-one-of = cần một trong: { $choices }
config-missing-field = thiếu mục `{ $key }`
config-missing-field-hint = thêm `{ $key } = …` vào phần này
config-invalid = cấu hình viết sai: { $message }
config-live-max = live_max_minutes phải từ 1 đến 1440, không phải { $given }
config-live-max-hint = thời gian tối đa (phút) một buổi phát trực tiếp không có --until hay --for được ở trên sóng: ví dụ live_max_minutes = 60
config-user-hash = mật khẩu của `{ $user }` không phải là mã băm argon2: { $why }
config-user-hash-hint = tạo mã băm bằng `loaxa passwd { $user }` rồi dán dòng lệnh in ra
config-user-hash-not-argon2 = đây là { $algorithm }, không phải argon2
config-users-file-hint = users_file là tệp gồm các dòng `tên:mã-băm` tạo bằng `loaxa passwd TÊN`, chỉ loaxa được đọc (chmod 640)
config-users-file-unreadable = không đọc được tệp người dùng { $path }: { $why }
config-users-file-open = tệp người dùng { $path } ai cũng đọc được (quyền { $mode }): hãy chmod 640
config-users-file-line = { $path }, dòng { $line }: { $why }
config-users-file-no-colon = mỗi dòng có dạng `tên:mã-băm`
config-control-no-users = control = true nhưng chưa có ai được đăng nhập
config-control-no-users-hint = thêm người dùng: chạy `loaxa passwd TÊN` rồi đặt dòng in ra vào mục [http.users] (hoặc vào users_file)
config-control-clear = control = true trên { $listen }, một địa chỉ mạng: trang đăng nhập sẽ mở trên mạng bằng HTTP không mã hóa, dù phía trước có proxy nào
config-control-clear-hint = để listen ở 127.0.0.1 và đặt một reverse proxy HTTPS trên chính máy này phía trước, với public_url = "https://…"
tts-hint = xem mục "Speech" trong README.md: [tts] provider, voice, speed, lexicon, cache_mb, keep_days, và [tts.TÊN] kind = "espeak-ng", "command", "fpt", "viettel" hoặc "zalo"
tts-speed = [tts] speed phải là số từ 0.5 đến 2.0 (1.0 là tốc độ thường)
tts-voice = "{ $voice }" không phải tên giọng đọc: giọng đọc được gọi bằng tên (vi, vi+f3, banmai, hn-quynhanh), không phải đường dẫn
tts-lexicon-bad = không dùng được từ điển { $path }: { $why }
tts-unknown-key = [tts] không có khoá `{ $key }`
tts-no-provider = [tts] provider = "{ $name }" không trỏ tới bộ đọc nào (đang có: { $known })
tts-provider-bad = [tts.{ $name }]: { $why }
tts-provider-needs = [tts.{ $name }] (kind = "{ $kind }") cần khoá `{ $key }`
config-source-url = [sources.{ $name }] url phải là địa chỉ luồng http:// hoặc https://
config-source-url-hint = ví dụ url = "https://stream.example.vn/vov1.mp3" (Icecast, SHOUTcast hoặc HLS .m3u8)
config-central-url-hint = viết url = "postgresql://máy-chủ:5432/tên-csdl?sslmode=verify-full"; mật khẩu đặt trong token_env hoặc token_file, không bao giờ trong url
config-central-station = `{ $id }` không phải là mã trạm hợp lệ
config-central-station-hint = mã trạm gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ station_id = "xa-phu-dong"
config-central-alert-after = alert_after_seconds = { $given } quá ngắn: đường truyền chập chờn một chút cũng báo động
config-central-alert-after-hint = đặt ít nhất 5 giây; mặc định 180 (ba phút) hợp với đường truyền 4G
config-central-url = địa chỉ cơ sở dữ liệu trung tâm không hợp lệ ({ $why })
config-central-password = không đặt mật khẩu trong url
config-central-sslmode = sslmode `{ $mode }` không có: dùng disable, prefer, require, verify-ca hoặc verify-full
config-central-sslmode-weak = [central] url có sslmode={ $mode }: chứng chỉ của trung tâm không được kiểm tra, nên ai nằm trên đường truyền cũng đọc được lịch sử hoặc giả làm trung tâm; dùng sslmode=verify-full (mặc định khi url không ghi), kèm sslrootcert=TỆP nếu tỉnh dùng CA riêng
config-source-credential = [sources.{ $name }] url chứa thông tin đăng nhập (mật khẩu trước tên máy, hoặc mã trong phần truy vấn): địa chỉ được hiện trên bảng điều khiển và trong lịch, nên không được chứa chúng
config-source-credential-hint = để địa chỉ không có thông tin đó, và đặt mã bí mật trong một tệp riêng: token_file = "{ $name }.token" (hoặc token_env), kèm user = "…" nếu là mật khẩu (HTTP Basic) hoặc token_query = "token" nếu mã nằm trong phần truy vấn
config-source-auth-how = [sources.{ $name }] có mã bí mật nhưng chưa nói gửi mã thế nào
config-source-auth-how-hint = viết user = "…" (mã là mật khẩu, HTTP Basic) hoặc token_query = "token" (mã gửi trong phần truy vấn dưới dạng token=…), không viết cả hai
config-source-no-token = [sources.{ $name }] nói cách gửi mã nhưng chưa nói mã ở đâu
