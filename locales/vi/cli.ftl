
## Command-line output (src/cmd)

cli-config-not-found = không tìm thấy tệp cấu hình { $path }
cli-config-not-found-hint = chạy loaxa trong thư mục của đài, hoặc ghi --config DUONG/DAN/loaxa.toml
cli-config-invalid = cấu hình không hợp lệ ({ $why }); chưa nạp gì cả
cli-schedules-invalid = lịch phát có { $n } lỗi; hãy sửa trước (`loaxa check` hiện lại các lỗi)
cli-not-a-date = `{ $text }` không phải ngày hay ngày giờ: hãy viết 15/04/2024, "15/04/2024 6h", 2024-04-15 hoặc 2024-04-15T06:00
cli-no-schedules-folder-hint = tạo thư mục đó, hoặc ghi `schedules = "…"` trong phần [station] của cấu hình
cli-days-too-far = --days: khoảng thời gian kết thúc sau ngày cuối cùng loaxa xử lý được
cli-secret-missing = kênh `{ $channel }`: { $why }; bài đăng lên kênh này chờ trong hàng đợi cho đến khi đặt xong và khởi động lại loaxa
cli-check-summary = { $files } tệp lịch phát, { $broadcasts } bản tin: { $errors } lỗi, { $warnings } cảnh báo
cli-check-failed = { $summary }. Hãy sửa các lỗi ở trên; chưa sửa xong thì không dùng gì từ các tệp này.
cli-ok = tốt
cli-new-written = đã tạo: { $path }
cli-new-next = tiếp theo: điền tiêu đề, tệp âm thanh và nội dung bài đăng, rồi chạy `loaxa check`
cli-new-exists = { $path } đã có; loaxa new không bao giờ ghi đè tệp
cli-new-exists-hint = chọn mã khác, hoặc sửa tệp đó
cli-cannot-write = không ghi được { $path }: { $why }
cli-new-cannot-write-hint = kiểm tra thư mục lịch phát ([station] schedules) có tồn tại và ghi được không
cli-new-bad-id = `{ $id }` không dùng làm mã được: chỉ dùng chữ không dấu, chữ số, - và _, ví dụ ban-tin-sang
cli-new-bad-day = --days: `{ $day }` không phải ngày trong tuần; dùng t2…t7, cn, hoặc mon…sun
cli-plan-cannot-write = không ghi được lịch: { $why }
cli-to-before-from = --to phải sau --from
cli-window-too-long = khoảng thời gian dài hơn { $days } ngày: hãy chọn khoảng ngắn hơn
cli-plan-heading = Lịch phát từ { $from } đến { $to } ({ $timezone }): { $n } lượt phát
cli-plan-time = giờ
cli-plan-priority = mức
cli-plan-length = độ dài
cli-plan-id = mã
cli-plan-channels = kênh
cli-plan-title = tiêu đề
cli-plan-nothing = Không có gì được phát trong khoảng thời gian này.
cli-no-history = không có sổ lịch sử tại { $path }
cli-no-history-hint = kiểm tra [station] data trong cấu hình; loaxa tạo sổ lịch sử khi chạy lần đầu
cli-verify-unreadable = HỎNG: không đọc được sổ lịch sử đến cuối: { $why }
cli-verify-broken = HỎNG: { $why }
cli-verify-first-broken = sự kiện hỏng đầu tiên: { $seq }
cli-verify-last = sự kiện cuối cùng trong tệp: { $head }
cli-verify-ok = tốt: { $n } sự kiện, chuỗi liên kết nguyên vẹn
cli-verify-head = mắt xích cuối: { $head }
cli-verify-empty = tốt: sổ lịch sử còn trống
secret-env-missing = biến môi trường { $var } chưa được đặt (biến này phải chứa mã truy cập hoặc khoá bí mật của kênh)
secret-file-unreadable = không đọc được tệp mã truy cập { $path }: { $why }
secret-file-open = tệp mã truy cập { $path } người dùng khác cũng đọc được (quyền { $mode }); hãy chạy `chmod 600 { $path }` để chỉ người dùng của loaxa đọc được
secret-file-empty = tệp mã truy cập { $path } trống

## loaxa status

status-no-answer = chương trình loaxa không trả lời tại { $url }: { $why }
status-no-answer-hint = `loaxa run` có đang chạy với cấu hình này không? (systemctl status loaxa)
status-on-air = đang phát: { $title } (từ { $since })
status-on-air-nothing = đang phát: không có gì
status-device-failing = LOA: thiết bị âm thanh `{ $device }` BỊ LỖI từ { $since }: { $why }
status-device = loa: thiết bị âm thanh `{ $device }` { $state ->
            [ok] mở và phát được
            [unused] chưa mở lần nào từ khi loaxa khởi động
           *[other] { $state }
    }
status-history-degraded = SỔ LỊCH SỬ GẶP SỰ CỐ từ { $since }: { $why } ({ $waiting } sự kiện đang chờ ghi, { $spilled } trong tệp dự phòng)
status-chain-broken = CHUỖI LIÊN KẾT SỔ LỊCH SỬ BỊ ĐỨT: { $why }
status-next = sắp phát:
status-in = sau { $span }
status-outbox = bài chờ đăng: { $pending } đang chờ, { $unconfirmed } chưa xác nhận, { $failed } lỗi, { $posted } đã đăng
status-unconfirmed = CHƯA XÁC NHẬN
status-schedules = lịch phát: { $n } bản tin, nạp lúc { $at }
status-last-good = LỊCH PHÁT: thư mục đang có lỗi; đài phát theo bộ lịch hợp lệ gần nhất (lưu lúc { $saved })
status-reload-inactive = tự nạp lại lịch đang tắt: { $why }
status-rejected = BẢN SỬA BỊ TỪ CHỐI lúc { $at }
cli-unknown-kind = không có loại sự kiện `{ $kind }`; các loại là: { $kinds }
cli-cannot-write-output = không ghi được: { $why }
cli-report-cannot-render = không tạo được báo cáo: { $why }
cli-report-wrote = đã ghi { $path }: { $first } – { $last }, { $airings } lượt phát, { $posts } bài đăng, { $failures } lỗi
cli-report-broken = HỎNG: sổ lịch sử đã bị sửa đổi: { $why }
cli-report-broken-hint = báo cáo ghi rõ điều này ở trang đầu; chạy `loaxa verify` để xem chi tiết
cli-report-verified = sổ lịch sử đã được kiểm tra, mắt xích cuối { $head }
cli-play-playing = đang phát { $n } tệp trên `{ $device }`, âm lượng { $volume }
cli-play-started = đã bắt đầu (chuyển cho thiết bị { $ms } ms sau khi yêu cầu)
cli-play-device-error = lỗi thiết bị: { $why }
cli-play-finished = đã phát xong
cli-no-devices = không tìm thấy thiết bị phát âm thanh nào (máy có card âm thanh hoặc cấu hình ALSA không?)
cli-device-default = {" "}(mặc định)

## loaxa post

post-no-broadcast = không có bản tin mã `{ $id }`{ $hint }
post-no-channel = không có kênh `{ $channel }` trong { $config } (không đăng bài lên `loudspeaker`)
post-no-web-channel = bản tin `{ $id }` không có kênh web nào; hãy chỉ định bằng --channel
post-cannot-start = không khởi động được: { $why }
post-not-sent = { $channel }: chưa gửi: { $why }
post-resume = { $channel }: lần gửi trước bị dừng giữa chừng; loaxa kiểm tra trên nền tảng trước khi gửi lại
post-not-posted = { $channel }: chưa đăng: { $why }
post-not-queued = { $channel }: chưa đưa vào hàng chờ: { $why }
post-posted = { $channel }: đã đăng ({ $remote })
post-not-yet = { $channel }: chưa đăng được: { $why }; loaxa sẽ thử lại lúc { $at }
post-outbox-unreadable = không đọc được hàng chờ đăng bài: { $why }
post-refuse-sending = bài đăng lúc { $when } đang được một loaxa khác gửi{ $who }; hãy chờ (`loaxa history --id { $id }`)
post-answer-lost = câu trả lời bị mất
post-refuse-unconfirmed = lần gửi lúc { $when } có thể đã đăng bài rồi ({ $why }). Hãy xem trên nền tảng; nếu chưa có bài thì chạy { $again }
post-refuse-pending = bài đăng lúc { $when } đang chờ thử lại lúc { $retry }; đến lúc đó loaxa sẽ gửi. Muốn đăng thêm một bài ngay bây giờ thì chạy { $again }

## loaxa history

history-col-seq = số
history-col-time = lúc
history-col-kind = sự kiện
history-col-broadcast = bản tin
history-col-scheduled = giờ theo lịch
history-col-channel = kênh
history-col-details = chi tiết
history-summary-loudspeaker = Trên loa, theo bản tin:
history-col-started = bắt đầu
history-col-played = phát xong
history-col-failed = lỗi
history-col-interrupted = bị ngắt
history-col-missed = bỏ lỡ
history-col-attempts = lần gửi
history-col-posted = đã đăng
history-col-unconfirmed = chưa x.nhận
history-summary-posts = Bài đăng, theo kênh:
report-which-period = hãy ghi khoảng thời gian: --month 2024-05, hoặc --from 01/05/2024 --to 31/05/2024
report-period-inverted = khoảng thời gian kết thúc ({ $last }) trước khi bắt đầu ({ $first })
report-no-midnight = ngày { $day } không có nửa đêm theo múi giờ { $timezone }
report-too-far = khoảng thời gian kết thúc quá xa trong tương lai
report-not-a-month = `{ $text }` không phải một tháng; hãy viết 05/2024 (hoặc 2024-05)
report-month-range = `{ $text }` không phải một tháng; tháng phải từ 01 đến 12
report-month-out-of-range = tháng nằm ngoài giới hạn
head-shape = hãy viết mắt xích cuối dạng SỐ:MÃ, như `loaxa verify` in ra
head-not-a-number = `{ $text }` không phải số thứ tự
head-hash = mã băm phải gồm 64 chữ số thập lục phân
cli-zalo-no-cover = kênh `{ $channel }`: chưa có `cover_url`; Zalo nhiều khả năng từ chối bài viết không có ảnh bìa: thêm cover_url = "https://…/anh.jpg" (địa chỉ Zalo tải được)
verify-thread-stopped = việc kiểm tra dừng giữa chừng (lỗi của loaxa, không phải của sổ lịch sử): chạy lại loaxa verify
cli-play-finished-glitches = đã phát xong, thiết bị trục trặc thoáng qua { $count } lần (thiếu dữ liệu hoặc máy chủ âm thanh bận: mỗi lần có thể là một quãng ngắt tiếng)
cli-device-does-not-open = không mở được: { $why }
cli-default-device-fails = thiết bị âm thanh mặc định của hệ thống không mở được (ghi tên một thiết bị mở được vào [audio] device, hoặc dùng --device). Lý do: { $why }
cli-no-device-opens = không thiết bị nào trong { $count } thiết bị âm thanh của máy mở được (xem lý do bằng `loaxa devices --all`; card âm thanh đã cắm chưa, máy chủ âm thanh có chạy không?)
cli-device-busy = {" "}(đang dùng: đã được mở, bởi trình chạy nền hoặc chương trình khác)
cli-device-latency = độ trễ { $ms } ms
cli-device-slow = { $name }: tiếng mất { $ms } ms mới tới loa, quá { $limit } ms mà bản tin khẩn cấp cho phép; hãy giảm [audio] latency_ms, hoặc đặt bộ đệm ngắn hơn cho máy chủ âm thanh
cli-now-queued = đã đưa lên đường phát: { $key }
cli-now-posted = đã xếp bài đăng cho: { $channels }
cli-stopped = đã dừng: { $key } (ghi là bị bạn ngắt)
cli-nothing-on-air = không có chương trình nào đang phát
cli-queue-on-air = đang phát:
cli-queue-empty = không có chương trình nào đang chờ
cli-queue-waiting = đang chờ phát: { $count }
cli-daemon-not-running = trình chạy nền của đài chưa chạy (không có cổng điều khiển { $path }): khởi động bằng `sudo systemctl start loaxa` hoặc `loaxa run`
cli-control-denied = bạn không có quyền vận hành đài này ({ $path } từ chối): vào nhóm của trình chạy nền bằng `sudo adduser { $user } loaxa`, rồi đăng nhập lại
cli-control-failed = không liên lạc được với trình chạy nền tại { $path }: { $why }
cli-control-too-large = yêu cầu dài { $kb } kB, vượt quá { $max } kB trình chạy nền nhận: văn bản dài như vậy nên đặt trong tệp lịch (speak = "…"), để `check` kiểm tra trước
cli-held = giữ lại, không phát: { $keys }
cli-skipped = đã bỏ qua: { $key } (ghi là bị bạn ngắt)
cli-next = tiếp theo: { $key }
cli-nothing-next = không còn chương trình nào đến giờ: đường phát im cho đến chương trình kế tiếp
cli-no-inputs = không có thiết bị thu âm: cắm micro hoặc card line-in, rồi chạy lại `loaxa devices --input`
cli-live-bad-span = `{ $given }` không phải là một khoảng thời gian: viết 90s, 10m hoặc 1h30m
cli-live-on = đang phát trực tiếp: { $key }: nói sau nhạc hiệu; bấm Ctrl-C để kết thúc
cli-live-ends-at = kết thúc lúc { $time }
cli-live-ends-after = kết thúc { $seconds } giây sau nhạc hiệu
cli-live-ends-limit = kết thúc sau tối đa { $minutes } phút ([audio] live_max_minutes)
cli-live-ended-bound = đã kết thúc đúng giới hạn
cli-live-ended-limit = đã kết thúc: một buổi phát trực tiếp kéo dài tối đa [audio] live_max_minutes
cli-live-ended-operator = đã kết thúc theo lệnh của bạn
cli-live-ended-stopped = đã kết thúc: bị dừng từ cửa sổ lệnh khác (`loaxa stop`, `loaxa skip`), hoặc bị ngắt
cli-live-ended-device = đã kết thúc: đầu vào thu âm bị lỗi (xem nhật ký của trình chạy nền)
cli-live-summary = { $seconds } giây trên sóng, đỉnh { $peak } dBFS, trung bình { $rms } dBFS, { $silent } giây im lặng
cli-live-recorded = bản ghi: { $path } (sha256 { $sha })
cli-live-ended-shutdown = đã kết thúc: trình chạy nền đang dừng
cli-passwd-bad-name = `{ $name }` không dùng làm tên đăng nhập được: dùng chữ không dấu, chữ số, `.`, `-` hoặc `_`
cli-passwd-prompt = Mật khẩu
cli-passwd-again = Nhập lại mật khẩu
cli-passwd-mismatch = hai mật khẩu khác nhau: chưa tạo gì
cli-passwd-short = mật khẩu có ít nhất 8 ký tự
cli-passwd-where = đặt dòng này vào mục [http.users] trong loaxa.toml (hoặc `{ $name }:MÃ-BĂM` vào users_file), rồi khởi động lại loaxa
cli-speak-not-spoken = `{ $id }` không có phần đọc: thêm `speak = true` (hoặc văn bản), hoặc đưa văn bản cần đọc
cli-speak-reads = sẽ đọc: { $text }
cli-speak-rendered = giọng: { $provider } { $voice } ({ $engine }), { $seconds } giây
cli-speak-written = đã ghi vào { $path }
cli-speak-parts = bản đọc này gồm { $n } tệp WAV, không ghép thành một tệp được: hãy phát thử (bỏ --out)
cli-check-spoken-ready = { $count } bản tin có phần đọc, đã tạo sẵn âm thanh cả
cli-check-spoken-missing = { $count } trên { $total } bản tin có phần đọc chưa được tạo âm thanh ({ $ids }): trình chạy nền sẽ tạo khi nạp lịch; `loaxa speak MÃ` tạo và phát thử ngay một bản
cli-check-source-ok = nguồn { $name }: { $what }
cli-check-source-down = nguồn { $name } hiện không trả lời: { $why } (khi nguồn mất, tiếp sóng phát nội dung dự phòng)
cli-check-device-ok = loa `{ $device }`: mở được; tiếng tới loa sau { $ms } ms
cli-check-device-unsettled = loa `{ $device }`: mở được, nhưng không nhận tiếng đều đặn trong 2,5 giây; máy chủ âm thanh có quá tải không?
cli-check-device-fails = loa: { $why } (nếu trình chạy nền đang giữ thiết bị, độ trễ của nó có trong /status)
cli-check-released-line = lưu ý: [audio] release_when_idle = true đóng thiết bị giữa các chương trình; bản tin khẩn cấp đột xuất lúc loa đang nghỉ phải chờ mở thiết bị (50-70 ms với máy chủ âm thanh, tới 2 giây khi bộ đệm của máy chủ đã trở về mặc định)
cli-central-password-dir = cần --password-dir: mật khẩu của mỗi trạm mới được ghi vào đó (quyền 0600), không in ra màn hình
cli-central-schema-ready = lược đồ trung tâm đã sẵn sàng
cli-central-no-random = không lấy được số ngẫu nhiên từ nhân hệ điều hành: không tạo mật khẩu
cli-central-password-file = không ghi được { $path }: { $why }
cli-central-station-ready = trạm { $id }: vai trò { $role }, mật khẩu trong { $path } (đưa sang máy của trạm, đặt trong token_file)
cli-central-operator-ready = người vận hành { $name }: mật khẩu trong { $path } (publish, accept-reset và report đăng nhập bằng { $name }, mật khẩu qua PGPASSWORD)
cli-central-analyst-ready = người phân tích { $name }: mật khẩu trong { $path } (đọc dữ liệu của mọi trạm, các view và phép kiểm tra chuỗi; không ghi được gì)
cli-central-password-kept = { $name } đã được đăng ký: giữ nguyên mật khẩu ({ $path }); dùng --rotate-password để cấp mật khẩu mới
cli-central-password-kept-elsewhere = { $name } đã được đăng ký: giữ nguyên mật khẩu, và mật khẩu không có trong { $path }; dùng --rotate-password để cấp mật khẩu mới vào đó
cli-central-person-name = "{ $name }" không dùng làm tên đăng nhập ở trung tâm được: chỉ dùng chữ thường, chữ số và _, bắt đầu bằng một chữ cái, không bắt đầu bằng loaxa hay pg_
cli-central-off = loaxa.toml không có mục [central]
cli-central-pushed = đã gửi { $sent } sự kiện; trung tâm giữ đến số { $head } (trước đó { $from }), trạm có đến số { $local }
cli-central-refused = trung tâm từ chối sự kiện số { $seq } ({ $reason }: { $meaning }): các sự kiện sau đó được giữ lại ở trạm
cli-central-status = trạm { $id }: trung tâm giữ đến số { $head }, trạm có đến số { $local } (còn { $lag } chưa gửi); liên lạc cuối { $contact }
cli-central-rejection =   bị từ chối: số { $seq } ({ $reason }), { $times } lần: { $meaning }
cli-central-priority = không có mức `{ $given }`: dùng normal, priority hoặc emergency
cli-central-file = không đọc được { $path }: { $why }
cli-central-published = đã phát hành bản tin số { $id }
cli-central-month = `{ $given }` không phải là một tháng: viết YYYY-MM, ví dụ 2024-05
cli-central-report-written = đã ghi báo cáo { $path } ({ $n } xã)
cli-central-secret-missing = [central]: { $why }; lịch sử chờ ở trạm cho đến khi có mật khẩu và loaxa được khởi động lại
cli-central-parted = lịch sử của trạm tách khỏi lịch sử trên trung tâm sau sự kiện { $seq }: nó đã bị mất, hoặc được khôi phục từ một bản sao cũ. Không gửi thêm gì cho đến khi tỉnh chấp nhận chuỗi mới, trên trung tâm: loaxa central accept-reset --station { $id } --reason "…"
cli-central-reset-accepted = { $id }: giữ nguyên các sự kiện 1 đến { $old }; đã chấp nhận chuỗi mới sau sự kiện { $after } (lần đặt lại thứ { $reset })
cli-central-nothing-to-accept = { $id }: không có gì để chấp nhận: trung tâm chưa từ chối sự kiện nào của trạm này mở đầu một chuỗi mới (trên trạm, `loaxa central status` cho biết lịch sử tách khỏi trung tâm ở đâu)
