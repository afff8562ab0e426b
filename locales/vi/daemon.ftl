
## The daemon: start-up, its summary and its lines in the journal (src/daemon)

daemon-lock-held-hint = hãy dừng chương trình kia trước (`systemctl stop loaxa`), hoặc cho cấu hình này một thư mục [station] data riêng
daemon-no-runtime = không khởi động được bộ chạy: { $why }
daemon-data-readable = người dùng khác đọc được { $path } (quyền { $mode }); nơi này chứa sổ lịch sử và mã truy cập của đài: chmod go-rwx { $path }
daemon-schedules-invalid = lịch phát có lỗi: { $places }
daemon-schedule-errors = lịch phát có { $n } lỗi
daemon-last-good = { $why }; loaxa phát theo bộ lịch hợp lệ gần nhất, lưu lúc { $saved } ({ $n } bản tin). Hãy sửa các tệp (`loaxa check` hiện lại các lỗi): lưu xong bản đã sửa là được phát ngay
daemon-last-good-partly = { $n } bản tin trong bộ lịch đó không còn hợp lệ (tệp âm thanh bị xoá?) nên bị bỏ ra:
daemon-no-fallback = { $why }; loaxa không khởi động: { $reason }, nên không có bộ lịch nào để dùng thay
daemon-no-fallback-hint = hãy sửa các tệp (`loaxa check` hiện lại các lỗi), rồi khởi động lại loaxa
daemon-rolled-back = { $why }. loaxa không khởi động trên sổ này
daemon-rolled-back-hint = hãy chép lại bản history.db mới nhất nếu còn; nếu không, khởi động một lần bằng `loaxa run --accept-history-reset` (việc này được ghi vào sổ; các bài có thể đã đăng được giữ ở trạng thái chưa xác nhận, không gửi lại)
daemon-spill-recovered = { $n } sự kiện lần chạy trước giữ trong tệp dự phòng đã được ghi vào sổ lịch sử
daemon-status-last-good = thư mục lịch phát có lỗi: đài đang phát theo bộ lịch hợp lệ gần nhất
daemon-recovered-sending = có bài đang gửi dở khi loaxa dừng; loaxa kiểm tra trên nền tảng trước khi gửi lại
daemon-channel-disabled = kênh bị tắt: các bài đăng của kênh nằm chờ trong hàng đợi
daemon-channel-problem = kênh { $channel }: { $why }
daemon-cannot-listen = không mở được cổng { $listen }: { $why } (đặt [http] listen)
daemon-part-history = bộ ghi sổ lịch sử
daemon-part-worker = bộ gửi bài của kênh { $channel }
daemon-stopping = đang dừng
daemon-internal-failure = lỗi bên trong: { $part } tự dừng; loaxa dừng để systemd khởi động lại
daemon-unwritten = không ghi được { $n } sự kiện vào sổ lịch sử
daemon-reset-accepted = { $why }; vẫn chạy theo lệnh (--accept-history-reset)
daemon-reset-unconfirmed = sổ lịch sử đã bị thay bằng bản cũ hơn; bài này có thể đã được đăng trước { $before } (hãy xem trên nền tảng, nếu chưa có thì đăng bằng `loaxa post`)
daemon-reset-hold-failed = không giữ được hàng chờ đăng bài sau khi sổ lịch sử bị thay
daemon-not-played = { $title } ({ $id }, { $at }) không được phát: { $why }
daemon-not-played-key = { $key } không được phát: { $why }
daemon-device-problem = thiết bị âm thanh `{ $device }`: { $why }
daemon-sighup = SIGHUP: nạp lại lịch phát
daemon-summary-set = { $files } tệp lịch phát, { $broadcasts } bản tin; múi giờ { $timezone }
daemon-summary-status = trạng thái: { $url }
daemon-summary-warning = CẢNH BÁO
daemon-summary-device = loa: thiết bị âm thanh `{ $device }` mở được (giữ mở giữa các chương trình, độ trễ yêu cầu { $ms } ms)
daemon-summary-device-opening = loa: thiết bị âm thanh `{ $device }` chưa trả lời sau { $seconds } giây; loaxa vẫn tiếp tục mở (bảng điều khiển sẽ báo khi sẵn sàng)
daemon-summary-device-released = loa: đã thấy thiết bị âm thanh `{ $device }` (mở lại cho mỗi chương trình: bản tin khẩn cấp lúc loa đang nghỉ phải chờ mở thiết bị, [audio] release_when_idle)
daemon-summary-device-problem = loa: thiết bị âm thanh `{ $device }` CÓ VẤN ĐỀ: { $why } (xem `loaxa devices`)
daemon-summary-in = sau { $hours } giờ { $minutes } phút
daemon-summary-nothing = không có gì trong 7 ngày tới
daemon-summary-channel-off = kênh { $channel }: ĐÃ TẮT: { $why }
daemon-summary-channel-ready = kênh { $channel }: sẵn sàng

## The scheduler (src/daemon/scheduler.rs)

sched-long-away = loaxa đã không chạy trong { $away } (từ { $since }); chỉ kiểm tra các chương trình bị lỡ trong ngày gần nhất
sched-playing-late = phát muộn (vẫn trong thời gian cho phép)
sched-clock-jumped = đồng hồ hệ thống { $direction ->
            [forward] nhảy tới
           *[other] lùi lại
    } { $span } (từ { $from } đến { $to }); lập lại lịch theo giờ mới
sched-was-on-air = đang phát thì loaxa dừng: ghi là bị ngắt
sched-stopped-during-playback = loaxa dừng khi đang phát
sched-gap-jump = đồng hồ nhảy tới { $span } (từ { $from } đến { $to }) qua mốc { $at }, và đã quá thời gian cho phép ({ $grace } phút)
sched-gap-down = loaxa không chạy lúc { $at }{ $seen } và đến { $now } đã quá thời gian cho phép ({ $grace } phút)
sched-last-seen = {" "}(lần cuối còn chạy lúc { $at })
sched-not-played = không phát: { $why }
sched-not-posted = không đăng: { $why }; bài muộn như vậy không được gửi ([policy] post_missed = true thì vẫn gửi)
sched-cannot-queue = không đưa được bài vào hàng chờ
sched-queue-disk-full = { $key } → { $channel }: ổ đĩa đã đầy nên không xếp được bài vào hàng chờ. Hãy giải phóng dung lượng: loaxa sẽ tự xếp lại.

## Reloading the schedules (src/daemon/reload.rs)

reload-cannot-keep = không lưu được bản sao lịch phát để dùng khi khởi động lại: { $why }
reload-failed = nạp lại lịch phát: { $why }
reload-rejected = lịch phát vừa sửa có lỗi ({ $places }); bộ lịch trước vẫn tiếp tục chạy
reload-not-read = tệp { $file } không được đọc: tệp lịch phát phải có đuôi `.toml`; hãy đổi tên thành `{ $fixed }` để các bản tin trong đó được phát
reload-done = đã nạp lại lịch phát
reload-no-watcher = không theo dõi được thư mục lịch phát; loaxa quét lại thư mục mỗi { $seconds } giây
reload-watcher-refused = hệ thống không cho theo dõi thư mục
reload-cannot-watch = không theo dõi được { $path }: { $why }; các thay đổi sẽ được nhận khi quét lại mỗi { $seconds } giây
reload-folder-replaced = thư mục lịch phát đã được thay; theo dõi thư mục mới
last-good-none = đài này chưa từng nạp được bộ lịch phát nào
last-good-damaged = bản lưu { $path } bị hỏng: { $why }
last-good-hash = { $file } không khớp mã SHA-256 của nó
last-good-name = { $file } không có tên tệp hợp lệ
lock-held = một loaxa khác đang chạy trên thư mục dữ liệu { $data }{ $pid }
lock-failed = không khoá được thư mục dữ liệu { $data }: { $why }
rejected-summary = { $n } lỗi, tại { $places }{ $more ->
        [0] {""}
       *[other] {" "}và { $more } chỗ khác
    }; chạy `loaxa check` để xem
reason-interrupted-by = bị ngắt bởi { $by }
reason-by-officer = cán bộ { $name }
reason-interrupted-shutdown = bị ngắt khi loaxa dừng
span-seconds = { $s } giây
span-minutes = { $m } phút
span-hours = { $h } giờ { $m } phút
span-days = { $d } ngày
span-days-hours = { $d } ngày { $h } giờ

## Guarding the history (src/history/guard.rs)

guard-anchor-unreadable = { $why }; lần này không đối chiếu được sổ lịch sử với nó
guard-missing = không thấy { $path }, trong khi loaxa đã ghi { $n } sự kiện vào đó
guard-replaced = { $path } không phải sổ lịch sử loaxa đang ghi: sự kiện số { $seq } khác với bản đã ghi nhận
guard-older = { $path } dừng ở sự kiện số { $seq }, trong khi loaxa đã ghi { $n } sự kiện: đây là bản cũ hơn (chép lại từ bản sao lưu?)
guard-unwritten = { $path } dừng ở sự kiện số { $seq } và tệp dự phòng thiếu { $n } sự kiện loaxa đã ghi nhận sau sự kiện số { $seq }: ổ đĩa đầy nên không giữ được chúng (nhật ký ghi từng sự kiện với dòng “sự kiện chưa ghi được vào sổ”)
guard-spill-unreadable = không đọc được tệp dự phòng của sổ lịch sử; để lại cho lần khởi động sau
guard-spill-written = các sự kiện lần chạy trước giữ trong tệp dự phòng nay đã vào sổ lịch sử
guard-spill-kept = chưa ghi được tệp dự phòng vào sổ lịch sử; tệp vẫn được giữ

## HTTP answers people read (src/daemon/http.rs)

http-too-large = trang quá lớn
http-body-too-large = nội dung yêu cầu lớn hơn 16 kB
http-body-too-slow = nội dung yêu cầu không đến đủ trong { $seconds } giây
http-cannot-show = không hiện được trang này
http-no-dashboard = lúc này chưa dựng được bảng điều khiển
http-no-board = không có trang tin này
http-board-unreadable = lúc này chưa đọc được trang tin

## Breaks in the history chain (src/history/verify.rs)

break-edited = sự kiện { $seq } đã bị sửa: nội dung không còn khớp mã băm của nó
break-deleted-one = thiếu sự kiện { $seq }: sự kiện đã bị xoá
break-deleted = thiếu các sự kiện từ { $from } đến { $to }: chúng đã bị xoá
break-relinked = sự kiện { $seq } không nối tiếp sự kiện { $before }: có dòng bị chèn thêm, bị xoá rồi đánh số lại, hoặc bị đổi thứ tự
break-truncated = sổ lịch sử dừng ở sự kiện { $last }, nhưng mắt xích cuối đã công bố là sự kiện { $head }: các sự kiện cuối đã bị cắt mất
break-head-mismatch = sự kiện { $seq } có mã băm khác với mắt xích cuối đã công bố: sổ lịch sử đã bị viết lại

## Why a post did not go out (src/channels, src/outbox.rs): kept in the history

post-cannot-connect = không kết nối được: { $why }
post-timeout = hết thời gian chờ mà không có trả lời: { $why }
post-failed-after-sending = kết nối bị đứt sau khi đã gửi: { $why }
post-cannot-read = không đọc được { $path }: { $why }
post-rate-limited = { $platform }: gửi quá nhanh, bị giới hạn (429)
post-not-authorised = { $platform }: không được phép ({ $status }): { $answer }
post-server-error = { $platform }: máy chủ lỗi { $status }: { $answer }
post-http-error = { $platform }: HTTP { $status }: { $answer }
post-no-id = { $platform } trả lời { $status } mà không có mã bài: { $answer }
post-no-message = không có lời giải thích
post-platform-error = { $platform } báo lỗi { $code }: { $message }
post-facebook-token = { $why } (mã truy cập của Trang đã hết hạn hoặc không hợp lệ: hãy cấp lại)
post-facebook-not-found = không thấy trong các bài mới của Trang
post-rate-limited-why = { $platform }: gửi quá nhanh, bị giới hạn: { $why }
post-unreadable-answer = { $platform } trả lời { $status } nhưng không đọc được nội dung: { $answer }
post-webhook-answered = webhook trả lời { $status }: { $answer }
post-webhook-refused = webhook từ chối tin ({ $status }): { $answer }
post-wordpress-not-yet = chưa có bài nào mang đường dẫn này
post-zalo-refresh-lost = làm mới mã truy cập Zalo không có trả lời ({ $why }); mã làm mới có thể đã bị dùng: hãy kiểm tra mã của OA
post-zalo-refresh-refused = Zalo từ chối làm mới mã truy cập: { $why }
post-zalo-unconfirmed = bài viết đã được tạo nhưng chưa được xác nhận: { $why }
post-zalo-token-invalid = Zalo báo lỗi -216: mã truy cập vẫn không hợp lệ dù đã làm mới
post-zalo-no-token = Zalo nhận bài viết nhưng không trả mã để xác nhận
post-zalo-token-expired = bài viết đã được tạo nhưng mã hết hạn trước khi xác nhận (mã { $token })
post-zalo-no-id = Zalo xác nhận bài viết mà không cho biết mã bài (mã { $token })
post-zalo-no-code = Zalo trả lời mà không có mã lỗi: { $answer }
post-cannot-check = một lần gửi trước có thể đã đến { $channel } trước khi loaxa dừng, mà { $kind } không có cách nào để kiểm tra
post-safe-to-repeat = { $why } (gửi lại an toàn: nền tảng nhận ra bài trùng)
post-checked-not-created = { $why } (đã kiểm tra: bài chưa được tạo)
post-gave-up-maybe-sent = thôi không gửi sau { $attempts } lần thử, và một lần trước có thể đã đăng được bài: { $why }
post-gave-up = thôi không gửi sau { $attempts } lần thử: { $why }
post-no-post = bản tin `{ $id }` không có phần [broadcast.post]
playout-device-failed = thiết bị âm thanh lỗi khi đang phát: { $why }
playout-stalled = phát bị treo: vẫn chạy { $seconds } giây sau khi âm thanh lẽ ra đã hết; thiết bị âm thanh đã được mở lại

## Playing audio (src/playout)

playout-no-device = không có thiết bị âm thanh trong { $seconds } giây sau giờ phát: { $why }
playout-device-unavailable = thiết bị không dùng được
playout-file-missing = không có tệp âm thanh { $path }
playout-file-unreadable = không mở được tệp âm thanh { $path }: { $why }
playout-file-empty = tệp âm thanh { $path } trống
playout-cannot-decode = không giải mã được { $path }: { $why }
playout-no-audio = { $path } không chứa âm thanh
playout-damaged = { $path } bị hỏng: chỉ giải mã được { $decoded } trong { $announced } giây
device-no-default = không có thiết bị phát mặc định
device-cannot-list = không liệt kê được các thiết bị phát: { $why }
device-not-found = không có thiết bị phát tên `{ $name }` (xem `loaxa devices`)
device-input-not-found = không có thiết bị thu âm nào tên `{ $name }` (xem `loaxa devices --input`)
device-cannot-open = không mở được thiết bị phát `{ $name }`: { $why }

## The history writer, the playout line and the outbox in the journal

log-writer-stopped = bộ ghi sổ lịch sử đã dừng; sự kiện không được ghi
log-writer-stopped-short = bộ ghi sổ lịch sử đã dừng
log-history-closed-unwritten = sổ lịch sử đóng lại khi còn sự kiện chưa ghi
log-backlog-written = đã ghi các sự kiện tồn đọng vào sổ lịch sử
log-history-unwritable = không ghi được sổ lịch sử; giữ sự kiện trong bộ nhớ và thử lại
log-history-still-unwritable = vẫn chưa ghi được sổ lịch sử
log-spill-unwritable = cũng không ghi được tệp dự phòng của sổ lịch sử; các sự kiện được ghi tiếp theo trong nhật ký này
log-spill-unreserved = chưa dành được chỗ cho tệp dự phòng của sổ lịch sử; khi ổ đĩa đầy tệp có thể không giữ được gì
log-spill-uncleared = không làm trống được tệp dự phòng sau khi đã ghi các sự kiện của nó vào sổ; lần khởi động sau sẽ bỏ qua những sự kiện đã ghi
log-unwritten-event = sự kiện chưa ghi được vào sổ
log-anchor-unwritable = không cập nhật được mốc đối chiếu của sổ lịch sử
log-wal-rescued = tệp nhật ký ghi của sổ lịch sử bị xoá; các sự kiện trong đó đã được chép vào { $path } và sổ được mở lại
log-history-reopen-failed = không mở lại được sổ lịch sử
log-chain-unverifiable = không kiểm tra được chuỗi liên kết của sổ lịch sử
log-chain-broken = chuỗi liên kết của sổ lịch sử bị đứt: { $why }
log-wal-copy-failed = không chép được tệp nhật ký ghi đã bị xoá vào sổ lịch sử
log-wal-copy-busy = tệp nhật ký ghi của sổ lịch sử bị xoá; còn người đang đọc nên các sự kiện sẽ được chép ở nhịp kiểm tra kế tiếp
store-corrupt = { $path } không phải cơ sở dữ liệu SQLite (hoặc đã hỏng): { $why }. Tệp được giữ nguyên; hãy chép lại từ bản sao lưu hoặc chuyển sang chỗ khác
store-foreign = { $path } là cơ sở dữ liệu của chương trình khác, không phải sổ lịch sử của loaxa. Tệp được giữ nguyên; hãy đặt [station] data sang thư mục khác
store-too-new = { $path } do loaxa mới hơn ghi (lược đồ { $found }, bản này chỉ biết { $known }); hãy nâng cấp loaxa
store-missing = chưa có sổ lịch sử tại { $path }
store-sqlite = lỗi cơ sở dữ liệu sổ lịch sử: { $why }
store-folder = không tạo được thư mục dữ liệu { $path }: { $why }
log-no-playout-thread = không khởi động được luồng phát âm thanh
log-already-queued = chương trình đã được nhận; không xếp hàng lần hai
log-on-air = chương trình đang phát
log-device-error = lỗi thiết bị âm thanh
log-emergency = bản tin khẩn cấp chen ngang
log-cannot-play = chương trình không phát được
log-device-back = thiết bị âm thanh dùng được trở lại
log-device-retry = không mở được thiết bị âm thanh; đang thử lại
daemon-device-slow = thiết bị âm thanh { $device } mất { $ms } ms mới phát một tiếng: bản tin khẩn cấp đột xuất sẽ trễ chừng ấy (hãy giảm [audio] latency_ms)
log-device-runs-ahead = thiết bị âm thanh nhận tiếng nhanh hơn nhiều so với tốc độ phát (không phải card âm thanh hay máy chủ âm thanh: plugin null hoặc file của ALSA?); thiết bị được đóng giữa các chương trình thay vì giữ mở
log-device-latency = đã mở thiết bị âm thanh; độ trễ được cấp
log-device-slow = thiết bị âm thanh mất { $ms } ms mới phát một tiếng: bản tin khẩn cấp đột xuất sẽ trễ chừng ấy; hãy giảm [audio] latency_ms, hoặc đặt bộ đệm ngắn hơn cho máy chủ âm thanh
log-waits = chương trình chờ đến lượt trên loa
log-outbox-reopen-failed = không mở lại được hàng chờ đăng bài
outbox-unwritable = không ghi được hàng chờ đăng bài: { $why }
outbox-unupdatable = không cập nhật được hàng chờ đăng bài: { $why }
outbox-cannot-open = không mở được hàng chờ đăng bài trong { $path }: { $why }
outbox-unreadable = không đọc được hàng chờ đăng bài: { $why }
outbox-task-lost = việc ghi hàng chờ đăng bài dừng mà không có kết quả: { $why }
log-outcome-unrecorded = không ghi được kết quả vào hàng chờ đăng bài; đang thử lại
log-posted = đã đăng
log-post-retry = bài đăng sẽ được gửi lại
log-post-failed = bài không đăng được
daemon-part-scheduler = bộ lập lịch
daemon-part-line = đường phát loa
post-answer-unreadable = không đọc được câu trả lời: { $why }
post-platform-dedupes = nền tảng tự bỏ bài trùng
post-no-client = không tạo được bộ gửi HTTP: { $why }
board-unwritable = không lưu được bài trên trang tin: { $why }
board-task-failed = việc đăng lên trang tin bị lỗi: { $why }
log-history-limit = không giới hạn được dung lượng sổ lịch sử
sched-first-start = lần chạy đầu tiên của đài này: { $n } chương trình đến giờ trong thời gian ân hạn trước { $at } không được phát, đăng hay ghi vào lịch sử (khi đó loaxa chưa vận hành đài này)
sched-gap-burst-down = loaxa không chạy khi chương trình đến giờ{ $seen }
sched-burst = không phát: { $why }, và trong lúc đó có nhiều chương trình đến giờ hơn số được phát nối tiếp sau khi gián đoạn; chỉ phát tối đa { $max } chương trình ([policy] catch_up), khẩn cấp trước, rồi ưu tiên, rồi chương trình mới nhất
playout-device-hung = thiết bị phát không mở được trong { $seconds } giây: thiết bị không phản hồi (card âm thanh hoặc máy chủ âm thanh bị treo); loaxa vẫn chờ và sẽ phát ngay khi thiết bị mở được
device-format-unsupported = thiết bị chỉ nhận mẫu âm thanh dạng { $format }, loaxa không ghi được dạng này
log-device-glitch = thiết bị âm thanh gặp trục trặc thoáng qua và vẫn phát tiếp (thiếu dữ liệu hoặc máy chủ âm thanh bận); mỗi lần có thể là một quãng ngắt tiếng
log-finished-with-glitches = đã phát xong, thiết bị trục trặc thoáng qua { $count } lần (mỗi lần có thể là một quãng ngắt tiếng)
playout-device-silent = thiết bị âm thanh ngừng nhận âm thanh trong { $seconds } giây; đã đóng và đang mở lại
device-no-sound-server = không có máy chủ âm thanh PulseAudio hoặc PipeWire nào trả lời nên không dùng được `{ $name }` (phiên làm việc trên máy tính có đang chạy không? có thể chỉ định máy chủ bằng PULSE_SERVER)
log-stopped-by-operator = chương trình bị cán bộ vận hành dừng
control-cannot-listen = không mở được cổng điều khiển { $path }: { $why }; lệnh `loaxa now`, `stop` và `queue` sẽ không tới được trình chạy nền này (các chương trình theo lịch không bị ảnh hưởng)
control-listening = đã mở cổng điều khiển (loaxa now, stop, queue)
control-version = lệnh dùng giao thức điều khiển { $theirs }, còn trình chạy nền dùng { $ours }: hãy dùng đúng tệp loaxa của trình chạy nền đang chạy
control-bad-request = không phải yêu cầu điều khiển của loaxa: { $why }
control-too-large = yêu cầu lớn hơn { $kb } kB: một thông báo đọc dài như vậy nên đặt trong tệp lịch (speak = "…")
control-no-broadcast = không có bản tin `{ $id }` trong lịch phát (xem `loaxa plan`)
control-no-broadcast-near = không có bản tin `{ $id }` trong lịch phát; có phải ý bạn là `{ $near }`?
control-bad-priority = `{ $given }` không phải mức phát: dùng thông thường, ưu tiên hoặc khẩn cấp (normal, priority, emergency)
control-not-on-loudspeaker = bản tin `{ $id }` không phát trên loa (mục `channels` không có "loudspeaker"): không có gì để phát
control-no-line = đường phát loa đang dừng: không thể phát lúc này
control-internal = không chuẩn bị được chương trình (lỗi nội bộ; xem nhật ký của trình chạy nền)
control-bad-file = không phát được `{ $file }`: tệp phải là tệp âm thanh nằm trong thư mục media { $media } ({ $why })
control-accept-failed = cổng điều khiển không nhận được kết nối; đang thử lại
control-too-many = cổng điều khiển từ chối kết nối của người dùng { $user } (uid { $uid }): mỗi người dùng tối đa { $per_user } kết nối cùng lúc, tổng cộng { $total }
control-now-what = lệnh `now` cần mã bản tin hoặc --file
log-held-by-operator = cán bộ vận hành giữ lại: chương trình sẽ không phát
control-already-on-line = { $key } đã có trên đường phát (bản tin này đã được yêu cầu trong giây này): xem `loaxa queue`
live-title = Trực tiếp: { $user }
live-cannot-open = không mở được đầu vào thu âm `{ $device }`: { $why } (xem `loaxa devices --input`, hoặc đặt [audio] live_input)
live-cannot-record = không ghi lại được buổi phát trực tiếp: { $why }
live-until-past = giờ --until đã qua
live-until-too-far = --until còn { $minutes } phút nữa; một buổi phát trực tiếp kéo dài tối đa { $max } phút ([audio] live_max_minutes)
live-for-too-long = --for phải từ 1 giây đến { $max } phút ([audio] live_max_minutes), không phải { $minutes } phút
live-input-hung = đầu vào thu âm không mở được trong 10 giây
log-live-ended = đã kết thúc buổi phát trực tiếp
live-input-silent = thiết bị không cho âm thanh nào trong { $seconds } giây (đã cắm và bật tiếng chưa?)
log-panel-login = đã đăng nhập trang điều khiển
log-panel-login-failed = nhập sai mật khẩu ở trang điều khiển
tts-espeak-missing = không chạy được espeak-ng ({ $why }): cài bằng `sudo apt install espeak-ng` (make run và make test tự cài)
tts-command-failed = lệnh đọc `{ $command }` bị lỗi: { $why }
tts-model-changed = tệp giọng đọc { $path } không phải tệp đã ghim (sha256 { $want }, thực tế { $got }): kiểm tra lại rồi đặt model_sha256
tts-not-audio = { $provider } trả về dữ liệu không phải âm thanh
tts-not-audio-why = { $provider } trả về âm thanh không phát được: { $why }
tts-timeout = { $provider } không trả lời trong { $seconds } giây
tts-cloud-failed = { $provider }: { $why }
tts-cloud-no-url = câu trả lời không có địa chỉ tệp âm thanh
tts-fallback-urgent = bản tin khẩn không chờ { $provider }: đọc ngoại tuyến bằng espeak-ng
log-tts-fallback = bộ đọc bị lỗi: đọc ngoại tuyến bằng espeak-ng thay thế
tts-render-failed = không tạo được phần đọc của `{ $id }`: { $why }
tts-archive-failed = không lưu được phần đọc đã phát để kiểm tra về sau: { $why }
tts-fallback-late = giọng đọc đã chọn chưa sẵn sàng kịp giờ: đọc ngoại tuyến bằng espeak-ng
log-tts-rendered = đã tạo sẵn phần đọc trước giờ phát
log-tts-pruned = đã xoá phần đọc đã phát cũ hơn [tts] keep_days, hoặc vượt quá [tts] aired_mb
log-tts-aired-over-bound = phần đọc đã phát vượt quá [tts] aired_mb: đã xoá bản cũ nhất trước hạn keep_days (sổ lịch sử vẫn giữ mã SHA-256 của từng bản)
control-no-channel = không có kênh `{ $channel }` (các kênh: { $known })
control-no-post = `{ $id }` không có [broadcast.post]: chỉ phát được trên loa
relay-no-ffmpeg = không chạy được ffmpeg ({ $why }): cài bằng `sudo apt install ffmpeg`
relay-stalled = nguồn không gửi gì trong { $seconds } giây
relay-redirects = nguồn chuyển hướng quá 5 lần
relay-redirect-inside = nguồn chuyển hướng tới { $host }, một địa chỉ của chính máy này hoặc mạng nội bộ liền kề: không đi theo
relay-refused-inside = luồng phát đưa ffmpeg tới { $host }, một địa chỉ của chính máy này hoặc mạng nội bộ liền kề: đã chặn
relay-no-gate = không mở được cổng kiểm soát cho ffmpeg tiếp sóng: { $why }
relay-ended = nguồn đã ngừng phát luồng
log-relay-lost = mất nguồn tiếp sóng: đang kết nối lại
log-relay-fallback = nguồn tiếp sóng bị treo hoặc im lặng: phát nội dung dự phòng
log-relay-back = nguồn tiếp sóng có tín hiệu trở lại: phát lại nguồn
relay-probe-timeout = không trả lời trong { $seconds } giây
log-relay-ffmpeg = nguồn tiếp sóng được giải mã bằng ffmpeg
relay-no-track = luồng không có kênh âm thanh nào
relay-undecodable = luồng gửi dữ liệu suốt { $seconds } giây nhưng không giải mã được âm thanh nào
relay-decoded-natively = giải mã trực tiếp
relay-decoded-by-ffmpeg = giải mã bằng ffmpeg
central-connect = không kết nối được cơ sở dữ liệu trung tâm: { $why }
central-query = cơ sở dữ liệu trung tâm báo lỗi: { $why }
central-unknown-station = trung tâm chưa có trạm `{ $id }`: người quản trị tỉnh cần chạy `loaxa central init --station { $id }`
central-rootcert = không đọc được chứng chỉ CA { $path }: { $why }
log-central-back = đã liên lạc lại với trung tâm
log-central-down = chưa gửi được lịch sử lên trung tâm: sẽ thử lại
log-central-failing = từ { $since } đến nay chưa gửi được gì lên trung tâm ({ $why }): tỉnh vẫn thấy xã như lúc đó
log-central-failing-over = lịch sử đã gửi được lên trung tâm trở lại
log-central-refused = trung tâm từ chối sự kiện số { $seq } ({ $reason }: { $meaning }): các sự kiện sau đó được giữ lại ở trạm
province-no-folder = không tạo được thư mục { $path } cho bản tin của tỉnh: { $why }
province-cannot-keep = không lưu được bản tin { $id } của tỉnh: { $why }
province-expired = đã quá thời hạn phát
province-empty = bản tin không có âm thanh cũng không có nội dung đọc
province-too-large = âm thanh dài { $mb } MB, vượt quá 64 MB một bản tin được phép: không nhận (tỉnh có thể phát hành lại dưới dạng MP3)
log-province-received = đã nhận bản tin của tỉnh
log-province-not-aired = bản tin của tỉnh không được phát
central-bulletin-damaged = bản tin { $id } của tỉnh bị hỏng (mã băm âm thanh không khớp): không nhận
central-reason-tampered = nội dung không khớp với mã băm của nó
central-reason-out-of-order = không phải mắt xích tiếp theo của chuỗi lịch sử trạm
central-reason-fork = một sự kiện khác mang số thứ tự trung tâm đã có
central-reason-unreadable = trung tâm không đọc được nội dung
central-reason-oversized = lớn hơn 1 MiB, lớn hơn mọi sự kiện thật: trung tâm chỉ ghi lại kích thước
central-reason-unknown = trung tâm không ghi lý do
log-central-parted = lịch sử của trạm tách khỏi lịch sử trên trung tâm sau sự kiện { $seq } (đã bị mất, hoặc được khôi phục từ bản sao cũ): không gửi thêm gì cho đến khi tỉnh chấp nhận chuỗi mới (loaxa central accept-reset --station { $id })
central-silent = cơ sở dữ liệu trung tâm không trả lời trong { $secs } giây: coi như đường truyền đã mất, và mở lại
relay-no-credential-here = địa chỉ này không thể mang tên người dùng và mật khẩu
central-auth-cleartext = trung tâm yêu cầu gửi mật khẩu dạng chữ thường; loaxa chỉ gửi mật khẩu bằng SCRAM (trung tâm cần password_encryption = scram-sha-256 và scram-sha-256 trong pg_hba.conf)
central-auth-md5 = trung tâm yêu cầu mật khẩu dạng MD5; loaxa chỉ gửi mật khẩu bằng SCRAM (trung tâm cần password_encryption = scram-sha-256 và scram-sha-256 trong pg_hba.conf)
