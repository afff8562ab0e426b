
## Reading a schedule file (src/schedule/parse.rs)

check-no-broadcasts = tệp này không có bản tin nào
check-no-broadcasts-label = không có gì ở đây được phát
check-no-broadcasts-hint = thêm một phần [[broadcast]], hoặc chuyển tệp ra khỏi thư mục schedules
check-broadcast-not-table = mỗi bản tin phải là một phần riêng
check-broadcast-not-table-hint = viết mỗi bản tin thành một phần [[broadcast]]
check-single-brackets = `broadcast` phải viết trong hai cặp ngoặc vuông
check-single-brackets-label = chỉ có một cặp ngoặc
check-single-brackets-hint = viết [[broadcast]] (hai ngoặc vuông mỗi bên), một lần trước mỗi bản tin
check-list-not-closed = danh sách chưa được đóng
check-syntax-day-first-hint = ngày viết kiểu ngày/tháng/năm phải đặt trong ngoặc kép: { $key } = "{ $value }" (hoặc không cần ngoặc nếu viết { $iso })
check-syntax-backslash-hint = dấu gạch chéo ngược (\) có nghĩa riêng trong TOML: ngăn cách thư mục bằng dấu /, ví dụ { $key } = { $fixed }
check-syntax-curly-quotes-hint = đây là dấu ngoặc kép cong (do Word tạo ra): hãy dùng dấu ngoặc kép thẳng " ở cả hai bên, ví dụ title = "Bản tin sáng"
check-syntax-too-deep-hint = danh sách hoặc phần lồng nhau quá sâu; lịch phát chỉ cần tối đa một danh sách trong một [[broadcast]]
check-syntax-unclosed-list-hint = đóng danh sách bằng dấu `]` trên cùng dòng, ví dụ at = ["06:15", "17:10"]
check-syntax-duplicate-key-hint = mỗi mục chỉ được viết một lần trong một phần; nhiều giá trị thì dùng danh sách, ví dụ at = ["06:15", "17:10"]
check-syntax-unclosed-quote-hint = thiếu dấu ngoặc kép đóng: chữ phải nằm giữa hai dấu ngoặc kép, ví dụ title = "Bản tin sáng"
check-syntax-unquoted-hint = chữ phải đặt trong ngoặc kép, ví dụ title = "Bản tin sáng"
check-syntax-line-shape-hint = mỗi dòng là `mục = giá trị`, một tiêu đề [phần], hoặc một ghi chú bắt đầu bằng #
check-syntax-generic-hint = chữ đặt trong ngoặc kép, ngày viết 2024-04-15 hoặc "15/04/2024", danh sách dùng [ ] và dấu phẩy
check-syntax = tệp viết sai cú pháp TOML: { $message }
check-syntax-missing-comma = thiếu dấu phẩy giữa hai mục của danh sách
check-syntax-missing-comma-hint = ngăn các mục bằng dấu phẩy: { $fixed }
check-syntax-label = không đọc được tệp từ chỗ này trở đi
check-campaign-inverted = chiến dịch kết thúc trước khi bắt đầu
check-until-before-from = `until` ở trước `from` ({ $from })
check-dates-inverted-hint = đổi chỗ hai ngày, hoặc sửa lại năm
check-broadcast-inverted = bản tin này kết thúc trước khi bắt đầu
check-bad-id = `{ $id }` không dùng được làm mã bản tin (id)
check-bad-id-label = mã bản tin là một mã ngắn
check-bad-id-hint = chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ id = "vneid-muc-2"
check-no-audio = bản tin này phát trên loa nhưng chưa có `audio`
check-nothing-to-play = không có gì để phát
check-no-audio-hint = thêm audio = ["thu-muc/tep.mp3"] (tính từ thư mục media), hoặc bỏ "loudspeaker" khỏi channels
check-no-post = kênh `{ $channel }` cần một phần [broadcast.post] có nội dung để đăng
check-no-post-label = không có gì để đăng
check-no-post-hint = thêm phần [broadcast.post] có ít nhất text = "…" ngay dưới bản tin này
check-except-outside = ngày { $date } nằm ngoài thời gian phát của bản tin, nên bỏ ngày này cũng không thay đổi gì
check-except-outside-hint = hãy kiểm tra lại năm của ngày này
check-did-you-mean = có phải ý bạn là "{ $word }"?
check-priority-hint = dùng "thông thường" (normal), "ưu tiên" (priority) hoặc "khẩn cấp" (emergency), theo ba mức của Thông tư 39/2020/TT-BTTTT
check-unknown-priority = mức ưu tiên `{ $priority }` không có
check-unknown-priority-label = không phải mức bản tin
check-rule-conflict = không dùng `{ $first }` và `{ $second }` cùng lúc
check-rule-conflict-label = cách thứ hai để nói giờ phát
check-rule-conflict-hint = mỗi bản tin chỉ dùng một trong `at` (kèm `days`), `cron` hoặc `on`; cần cả hai thì tách thành hai bản tin
check-days-without-at = `days` chỉ dùng được cùng với `at`
check-days-without-at-label = chưa có giờ `at` cho các ngày này
check-days-with-cron-hint = hãy ghi các ngày vào biểu thức cron, ví dụ cron = "0 15 6 * * mon-fri"
check-days-without-at-hint = thêm at = ["06:15"] với các giờ phát trong những ngày này
check-no-rule = bản tin này chưa ghi giờ phát
check-no-rule-label = không có `at`, `cron` hay `on`
check-no-rule-hint = thêm at = ["06:15"] (giờ phát hằng ngày), cron = "0 15 6 * * mon-fri", hoặc on = ["19/05/2024 07:00"] (phát một lần)
check-empty-list = `{ $key }` là danh sách trống
check-empty-at-hint = ghi ít nhất một giờ, ví dụ at = ["06:15"]
check-several-times = `{ $text }` gộp nhiều giờ vào một mục
check-several-times-label = mỗi giờ là một mục
check-several-times-hint = viết mỗi giờ thành một mục riêng: at = [{ $items }]
check-time-twice = giờ { $time } được ghi hai lần
check-first-listed-here = ghi lần đầu ở đây
check-time-twice-hint = xoá bớt một: đằng nào cũng chỉ phát một lần
check-write-at = hãy viết at = "{ $time }"
check-write-at-list = hãy viết at = [{ $times }]
check-time-hint = viết giờ theo 24 giờ, dạng "GG:PP" (hoặc 6h30), ví dụ "06:15" hay "17:10"
check-not-a-time = không phải giờ trong ngày
check-empty-days-hint = ghi các ngày, ví dụ ["t2", "t6"], hoặc bỏ `days` để phát mọi ngày
check-several-days = `{ $text }` gộp nhiều ngày vào một mục
check-several-days-label = mỗi ngày là một mục
check-several-days-hint = hãy dùng danh sách: days = [{ $items }]
check-not-a-day = `{ $word }` không phải là một ngày trong tuần
check-not-a-day-label = ngày không hiểu được
check-day-hint = dùng t2…t7 (hoặc thứ 2…thứ 7, thứ hai…thứ bảy), cn (chủ nhật), hằng ngày, ngày thường, cuối tuần, hoặc tiếng Anh mon…sun
check-cron-fields = biểu thức cron có 5 hoặc 6 trường; biểu thức này có { $fields }
check-cron-fields-label = sai số trường
check-cron-fields-hint = viết "GIÂY PHÚT GIỜ NGÀY THÁNG THỨ" hoặc "PHÚT GIỜ NGÀY THÁNG THỨ", ví dụ "0 15 6 * * mon-fri"
check-bad-cron = biểu thức cron không hợp lệ: { $why }
check-bad-cron-label = không hiểu được
check-bad-cron-hint = các trường là GIÂY PHÚT GIỜ NGÀY THÁNG THỨ (giây có thể bỏ), ví dụ "0 15 6 * * mon-fri" là 06:15:00 các ngày thường
check-empty-on-hint = ghi ít nhất một ngày giờ, ví dụ on = ["19/05/2024 07:00"]
check-on-excluded = ngày { $date } nằm trong các ngày `except` (ngày nghỉ), nên thời điểm này sẽ không bao giờ được phát
check-on-excluded-label = ngày đã loại trừ
check-on-excluded-hint = xoá thời điểm này, hoặc bỏ ngày đó khỏi `except`
check-on-outside = thời điểm này nằm ngoài thời gian phát của bản tin
check-on-outside-label = thời gian phát từ { $from } đến { $until }
check-on-outside-hint = sửa lại ngày, hoặc nới rộng `from` / `until`
check-empty-channels = `channels` trống, nên bản tin này không đi đến đâu cả
check-empty-channels-hint = ghi nơi phát, ví dụ channels = ["loudspeaker"]
check-channel-twice = kênh `{ $channel }` được ghi hai lần
check-channel-twice-hint = xoá bớt một: đằng nào kênh cũng chỉ dùng một lần
check-unknown-channel-hint = các kênh đã có: { $known }; kênh mới cần một phần [channels.{ $channel }] trong { $config }
check-unknown-channel = không có kênh `{ $channel }`
check-unknown-channel-label = chưa được cấu hình
check-loudspeaker-is-written = loa truyền thanh của xã được viết là `loudspeaker`: hãy thay "{ $channel }" bằng "loudspeaker"
check-empty-audio-hint = ghi các tệp cần phát, ví dụ audio = ["de-an-06/vneid.ogg"]
check-chime-none = có `chime = true` nhưng đài chưa có nhạc hiệu
check-chime-none-hint = ghi chime = "tep.ogg" ở đây, hoặc [audio] chime trong loaxa.toml
check-chime-type = `chime` phải là true, false hoặc một tệp
check-chime-type-label = không phải nhạc hiệu
check-chime-type-hint = chime = false (không có nhạc hiệu), chime = true (nhạc hiệu của đài), hoặc chime = "chuong.ogg" (trong media/)
check-backslash-path-hint = dấu gạch chéo ngược (\) không dùng để ngăn thư mục ở đây: hãy dùng /, ví dụ "de-an-06/ban-tin.mp3"
check-backslash-path-fixed = dùng dấu / giữa các thư mục: "{ $fixed }"
check-backslash-path = đường dẫn này dùng dấu gạch chéo ngược (\)
check-backslash-path-label = các thư mục ngăn cách bằng dấu /
check-media-not-found-hint = chép tệp vào { $folder } hoặc sửa lại tên (đường dẫn tính từ thư mục media)
check-media-outside-hint = chép tệp vào thư mục media và ghi tên tính từ thư mục đó, ví dụ "de-an-06/vneid.ogg"
check-media-not-audio-hint = xuất lại tệp dạng mp3, ogg, wav, flac hoặc m4a và nghe thử xem có phát được không
check-media-unreadable-hint = kiểm tra tệp có tồn tại và đọc được không
check-media-label = tệp âm thanh không dùng được
check-between = `{ $key }` phải từ { $min } đến { $max }
check-out-of-range = vượt quá giới hạn
check-repeat-hint = repeat = 2 là phát danh sách âm thanh hai lần; bỏ `repeat` để phát một lần
check-gap-hint = khoảng lặng giữa các lần phát lại, tính bằng giây, ví dụ gap_seconds = 3
check-volume-hint = 1 là phát nguyên mức của tệp, 0.5 là nửa biên độ; âm lượng chung đặt ở [audio] volume
check-link = `link` phải là một địa chỉ web
check-link-label = không phải địa chỉ web
check-link-hint = bắt đầu bằng https://, ví dụ link = "https://dichvucong.gov.vn"
check-quiet-hint = giờ yên tĩnh là { $quiet } ([policy] quiet_hours): hãy dời sang { $end }, lúc hết giờ yên tĩnh, hoặc trước { $start }; chỉ tin thật sự khẩn cấp mới được phát trong giờ này (priority = "khẩn cấp")
check-quiet-label = bản tin { $priority } trong giờ yên tĩnh
check-in-quiet-hours = { $when } nằm trong giờ yên tĩnh ({ $quiet })
check-cron-in-quiet-hours = biểu thức cron này phát trong giờ yên tĩnh ({ $quiet }), ví dụ lúc { $when }
check-never-airs = bản tin này không bao giờ được phát
check-never-airs-cron = biểu thức cron này không rơi vào ngày nào trong thời gian phát của bản tin
check-never-airs-days = không có ngày nào từ `from` đến `until` khớp với `days` và `except`
check-never-airs-hint = kiểm tra `days`, các trường ngày và tháng, `from`, `until` và `except`
check-post-too-long-label = quá dài so với kênh này
check-post-too-long-hint = rút gọn nội dung hoặc tiêu đề, hoặc đặt cho kênh một `template` ngắn hơn trong cấu hình

## Reading keys and values (src/schedule/fields.rs)

check-missing-key = { $what } còn thiếu `{ $key }`
check-missing-key-label = { $what } này chưa có `{ $key }`
check-missing-key-hint = thêm một dòng `{ $key } = { $example }`
check-empty-value = `{ $key }` đang để trống
check-empty-value-hint = hãy điền nội dung, ví dụ { $key } = { $example }
check-want-strings = chữ hoặc danh sách chữ, ví dụ ["a", "b"]
check-too-large = `{ $key }` quá lớn
check-want-integer = số nguyên, ví dụ 2
check-want-number = một số, ví dụ 3
check-bad-number = `{ $key }` không phải số dùng được
check-want-table = một phần riêng, viết [{ $key }] trên một dòng riêng
check-did-you-mean-key = có phải ý bạn là `{ $key }`?
check-keys-allowed = các mục được dùng trong { $what }: { $keys }
check-unknown-key = mục `{ $key }` không có trong { $what }
check-unknown-key-label = không nhận ra
check-what-file = tệp lịch phát
check-want-text = chữ trong ngoặc kép, ví dụ "…"
check-want-date = một ngày, ví dụ "15/04/2024" hoặc 2024-04-15
check-not-a-date = `{ $key }` phải là một ngày (không kèm giờ)
check-not-a-date-label = không phải ngày
check-not-a-date-hint = viết ngày không kèm giờ, dạng "15/04/2024" (ngày trước) hoặc 2024-04-15
check-date-no-year = `{ $text }` thiếu năm
check-date-no-year-hint = hãy viết cả năm: "{ $date }"
check-date-no-such-month = không có tháng { $month }
check-date-no-such-month-day-first = không có tháng { $month }: ngày được viết trước tháng
check-date-no-such-month-hint = viết ngày, rồi tháng, rồi năm: "15/04/2024" là ngày 15 tháng 4
check-date-no-such-day = `{ $text }` không phải là một ngày: tháng { $month }/{ $year } chỉ có { $days } ngày
check-date-no-such-day-hint = ngày cuối tháng là "{ $last }"
check-utc-offset = `{ $key }` có ghi độ lệch múi giờ UTC
check-utc-offset-label = giờ địa phương của đài không ghi độ lệch
check-utc-offset-hint = mọi giờ đều tính theo múi giờ của đài: bỏ phần độ lệch, ví dụ 2024-05-19T07:00:00
check-date-time-hint = viết ngày và giờ theo 24 giờ, ví dụ "19/05/2024 07:00" hoặc 2024-05-19T07:00:00
check-want-date-time = ngày và giờ địa phương, ví dụ "19/05/2024 07:00"
check-not-a-date-time = `{ $key }` phải là ngày kèm giờ
check-not-a-date-time-label = không phải ngày giờ
check-not-a-date-time-hint = viết ngày và giờ theo giờ của đài, ví dụ "19/05/2024 7h" hoặc 2024-05-19T07:00:00
check-wrong-type = `{ $key }` phải là { $want }
check-wrong-type-label = đây là { $got }
check-wrong-type-hint = hãy viết `{ $key }` dưới dạng { $want }
check-type-text = chữ
check-type-integer = số nguyên
check-type-float = số thập phân
check-type-boolean = true/false (đúng/sai)
check-type-datetime = ngày/giờ
check-type-list = danh sách
check-type-table = một phần riêng

## The three bulletin levels of Circular 39/2020/TT-BTTTT

priority-normal = thông thường
priority-priority = ưu tiên
priority-emergency = khẩn cấp

## Loading the schedules folder (src/schedule/mod.rs)

check-folder-unreadable = không đọc được thư mục lịch phát { $path }: { $why }
check-not-read = tệp này không được đọc: tệp lịch phát phải có đuôi `.toml`
check-not-read-hint = đổi tên thành `{ $fixed }` để các bản tin trong đó được phát, hoặc chuyển tệp ra khỏi thư mục schedules
check-file-too-large-hint = tệp lịch phát chỉ là vài kilobyte chữ: có đúng tệp không? Hãy chuyển tệp này ra khỏi thư mục schedules
check-file-not-regular-hint = tệp lịch phát phải là tệp chữ bình thường: hãy bỏ tệp này ra khỏi thư mục schedules
check-file-unreadable-hint = kiểm tra quyền đọc tệp, và tệp phải nằm trong thư mục schedules (chép tệp vào chứ không tạo liên kết đến nơi khác)
check-file-unreadable = không đọc được tệp này: { $why }
check-not-utf8 = tệp này không phải chữ mã UTF-8
check-not-utf8-label = ký tự không đọc được ở đây
check-not-utf8-hint = lưu lại tệp với mã UTF-8 (trong hầu hết trình soạn thảo: Lưu thành… → Mã hoá: UTF-8)

## Checks across the whole set (src/schedule/validate.rs)

check-duplicate-id = mã bản tin `{ $id }` bị trùng
check-duplicate-id-label = dùng lại ở đây
check-first-used-here = dùng lần đầu ở đây
check-duplicate-id-hint = mã bản tin không được trùng trong mọi tệp lịch phát: đổi tên một mã, ví dụ thêm -2
check-overlap = `{ $second }` bắt đầu lúc { $at } khi `{ $first }` vẫn đang phát (đến { $until }){ $times }
check-overlap-label = trùng giờ trên loa
check-still-playing = vẫn đang phát
check-overlap-hint = bản tin sau sẽ phải chờ đến lượt; hãy dời giờ để hai bản tin không trùng nhau
check-session-too-long = buổi phát bắt đầu bằng `{ $id }` lúc { $at } kéo dài { $minutes } phút, quá giới hạn { $max } phút{ $times }
check-session-too-long-by = `{ $over }` làm buổi phát bắt đầu bằng `{ $id }` lúc { $at } kéo dài { $minutes } phút, quá giới hạn { $max } phút{ $times }
check-session-too-long-label = buổi phát quá dài
check-session-too-long-hint = chia các chương trình sang buổi phát khác, hoặc rút ngắn lại ([policy] max_session_minutes)
check-on-in-the-past = `{ $id }` chỉ phát vào những thời điểm đã qua (lần cuối: { $last })
check-on-in-the-past-label = sẽ không phát nữa
check-on-in-the-past-hint = kiểm tra năm và tháng trong `on`; nếu đã phát rồi thì có thể xoá bản tin này
check-too-many-sessions = ngày { $day } có { $n } buổi phát trên loa, nhiều hơn mức { $max } buổi cho phép{ $times }
check-too-many-sessions-label = mở thêm một buổi phát quá giới hạn
check-too-many-sessions-hint = gộp các chương trình vào ít buổi phát hơn ([policy] max_sessions_per_day)
check-times-in-period = {" "}({ $count } lần trong khoảng thời gian kiểm tra)

## Times of day (src/localtime.rs)

time-twelve-hour = giờ `{ $text }` viết theo kiểu 12 giờ: hãy viết theo 24 giờ, "{ $h24 }"
time-not-a-time = giờ `{ $text }` chưa đúng cách viết: hãy viết GG:PP, ví dụ "06:15" (hoặc 6h15)
time-not-digits = giờ `{ $text }` chưa đúng cách viết: hãy viết bằng chữ số, ví dụ "06:15"
time-hour-range = giờ { $hour } trong `{ $text }` không có: giờ tính từ 00 đến 23
time-minute-range = phút { $minute } trong `{ $text }` không có: phút tính từ 00 đến 59
time-second-range = giây { $second } trong `{ $text }` không có: giây tính từ 00 đến 59
time-invalid = `{ $text }` không phải giờ hợp lệ
time-not-a-range = `{ $text }` không phải khoảng giờ: hãy viết BẮT ĐẦU-KẾT THÚC, ví dụ "21:00-05:00"
time-empty-range = `{ $text }` bắt đầu và kết thúc cùng một giờ: khoảng giờ này trống

## Media files (src/media.rs)

media-empty = đường dẫn trống
media-absolute = `{ $path }` là đường dẫn tuyệt đối; đường dẫn âm thanh phải tính từ thư mục media
media-escapes = `{ $path }` dùng `..` để ra ngoài thư mục media
media-symlink-out = `{ $path }` là liên kết trỏ ra ngoài thư mục media
media-not-found = không có tệp `{ $path }` trong { $media }
media-not-a-file = `{ $path }` không phải tệp bình thường
media-unreadable = không đọc được `{ $path }`: { $why }
media-not-audio = `{ $path }` không phát được: { $why }

## Posts that do not fit a platform (src/channels/template.rs)

check-post-too-long = bài đăng cho kênh `{ $channel }` dài { $n } ký tự; { $kind } chỉ nhận tối đa { $limit }
check-zalo-title-too-long = tiêu đề dài { $n } ký tự; tiêu đề bài viết Zalo chỉ nhận tối đa { $limit }

## How a diagnostic is shown (src/diagnostic.rs)

diag-long-line = dòng { $line } dài { $total } ký tự; chỉ hiện từ cột { $from } đến { $to }
diag-note = ghi chú
diag-help = gợi ý
diag-error = lỗi
diag-warning = cảnh báo
media-file-empty = tệp trống
media-unrecognised = không nhận ra định dạng ({ $why })
media-no-track = không có rãnh âm thanh
media-codec = không hỗ trợ bộ mã hoá này ({ $why })
media-no-rate = không có tần số lấy mẫu
files-outside = đường dẫn dẫn ra ngoài { $folder } (một liên kết?)
files-not-regular = đây là { $kind ->
            [fifo] một ống dẫn có tên (FIFO)
            [device] một thiết bị
            [socket] một socket
            [folder] một thư mục
           *[other] một thứ khác
    }, không phải tệp bình thường
media-no-audio = tệp không chứa âm thanh
check-overlap-others = {" "}(sau { $others } chương trình khác nhau)
check-overlap-more = còn { $n } bản tin khác bắt đầu khi chương trình khác vẫn đang phát; không liệt kê từng cảnh báo
check-overlap-more-hint = `loaxa plan` cho biết giờ phát của từng bản tin; hãy sửa các bản tin ở trên trước, rồi chạy lại `loaxa check`
speech-symbol = không đọc thành tiếng được `{ $token }`
speech-symbol-hint = viết bằng chữ đúng như cần đọc
speech-address = `{ $token }` là địa chỉ web hoặc thư điện tử: giọng đọc sẽ đánh vần từng chữ
speech-address-hint = viết đúng như cần đọc (ví dụ "dịch vụ công chấm gov chấm vi en"), hoặc chỉ để trong nội dung bài đăng
speech-ambiguous = `{ $token }` có hai cách đọc ({ $readings }) mà câu văn không cho biết cách nào
speech-ambiguous-hint = viết đầy đủ từ đó
speech-abbreviation = `{ $token }` không có trong từ điển đọc: giọng đọc sẽ đánh vần từng chữ cái
speech-abbreviation-hint = viết đầy đủ, hoặc thêm `{ $token } = "…"` vào từ điển của đài ([tts] lexicon)
speech-mixed = `{ $token }` lẫn chữ và số: không đọc chắc chắn được
speech-mixed-hint = viết bằng chữ đúng như cần đọc
speech-number = `{ $token }` không phải số, ngày hay giờ viết theo cách thông thường
speech-number-hint = số dùng "." ngăn hàng nghìn và "," cho phần thập phân (1.000.000; 12,5); ngày viết 15/12/2024, giờ viết 7h30 hoặc 07:30
check-speak-no-post = `speak = true` đọc nội dung bài đăng, nhưng bản tin này không có [broadcast.post]
check-speak-no-post-hint = thêm [broadcast.post] có nội dung, hoặc ghi văn bản cần đọc: speak = "…"
check-speak-too-long = văn bản cần đọc này có { $n } ký tự; loaxa chỉ đọc tối đa { $max } ký tự (khoảng mười hai phút)
check-speak-too-long-hint = chia thành nhiều bản tin, hoặc thu âm rồi khai báo bản thu: audio = ["…"]
check-want-speak = true (đọc nội dung bài đăng) hoặc văn bản cần đọc
check-speech-provider = không có bộ đọc `{ $name }`
check-speech-provider-hint = các bộ đọc là các mục [tts.TÊN] trong loaxa.toml, và espeak-ng: { $known }
check-speech-speed = speed phải từ 0.5 đến 2.0
check-speech-speed-hint = 1.0 là tốc độ thường của giọng đọc; 0.9 là chậm hơn một chút
check-speech-voice = "{ $voice }" không phải tên giọng đọc
check-speech-voice-hint = ghi tên một giọng mà nhà cung cấp của đài có, ví dụ voice = "vi" (espeak-ng) hoặc voice = "banmai" (FPT); không ghi đường dẫn
check-speak-label = giọng đọc sẽ đọc sai chỗ này
check-relay-source = không có nguồn `{ $source }`
check-relay-source-hint = ghi tên một mục [sources.TÊN] trong loaxa.toml (url = "…"), hoặc địa chỉ http(s):// của luồng
check-relay-until-hint = until là giờ (theo giờ của đài) kết thúc khung tiếp sóng, ví dụ until = "06:30"
check-relay-duration = `{ $given }` không phải là độ dài một khung giờ
check-relay-duration-hint = viết dạng 30m, 1h hoặc 1h30m (tối đa một ngày)
check-relay-both = khung tiếp sóng kết thúc lúc `until` hoặc sau `duration`, không dùng cả hai
check-relay-both-hint = giữ một trong hai: until = "06:30" hoặc duration = "30m"
check-relay-no-end = tiếp sóng cần giờ kết thúc của khung
check-relay-until-rule = until cần giờ phát hằng ngày (at = "…"): với quy tắc này khung không có giờ bắt đầu trong ngày
check-relay-until-rule-hint = ghi độ dài khung thay thế: duration = "30m"
check-relay-credential = địa chỉ luồng này chứa thông tin đăng nhập (mật khẩu trước tên máy, hoặc mã trong phần truy vấn); tệp lịch được nhiều người đọc, và địa chỉ sẽ bị hiện ra
check-relay-credential-hint = đặt tên luồng trong loaxa.toml, [sources.vov1] url = "…" không kèm thông tin đó, và đặt mã bí mật trong token_file (hoặc token_env) ở đó; rồi viết source = "vov1" ở đây
media-file-missing = không có tệp
media-file-unreadable = không mở được tệp: { $why }
media-undecodable = không giải mã được tệp: { $why }
media-damaged = tệp bị hỏng: chỉ giải mã được { $decoded } trong { $announced } giây
media-damaged-stream = luồng âm thanh bị hỏng ({ $why })
check-relay-until-before = tiếp sóng kết thúc lúc { $end }, trước hoặc đúng lúc bắt đầu { $start }: viết như vậy thì sẽ chạy { $length }, qua cả đêm
check-relay-until-before-label = kết thúc trước khi bắt đầu
check-relay-until-before-hint = cho kết thúc sau { $start }; nếu thật sự chạy qua nửa đêm, hãy viết until = "{ $end } hôm sau"
check-relay-next-day-same = until ghi "hôm sau", nhưng { $end } là sau giờ bắt đầu { $start } trong cùng ngày: khung giờ không qua nửa đêm
check-relay-next-day-same-hint = bỏ "hôm sau": until = "{ $end }"
check-relay-into-quiet = tiếp sóng chạy từ { $start } đến { $end }, lấn vào giờ yên tĩnh ({ $quiet })
check-relay-into-quiet-label = lấn vào giờ yên tĩnh
check-relay-into-quiet-hint = cho kết thúc trước { $quiet_start }: until = "{ $quiet_start }" (hoặc bắt đầu sớm hơn)
