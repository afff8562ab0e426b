## `loaxa --help` and each subcommand's help (src/cli.rs)

help = loaxa, loa truyền thanh xã: phát các bản tin theo lịch trên đường dây loa, đăng bài lên các kênh web và mạng xã hội của đài, và ghi lại những gì đã phát, đã đăng.
help-after =
    Cách dùng thường gặp:
      loaxa check                 kiểm tra loaxa.toml và mọi tệp trong schedules/
      loaxa plan --days 2         xem lịch phát trong 48 giờ tới
      loaxa plan --from 01/05/2024 --to 01/06/2024 --json > thang-5.jsonl

    Mã thoát: 0 thành công, 1 lịch phát có lỗi, 2 sai lệnh hoặc sai cấu hình.
    Cách viết tệp lịch phát: xem README.md, mục "Hướng dẫn nhanh cho cán bộ văn hoá".
help-arg-config = Tệp cấu hình của đài (mặc định: loaxa.toml). Các thư mục ghi trong đó (schedules, media, data) tính từ thư mục chứa tệp này.
help-flag-help = Xem hướng dẫn (ghi '--help' để xem đầy đủ)
help-flag-version = Xem phiên bản
help-heading-usage = Cách dùng
help-heading-commands = Các lệnh
help-heading-arguments = Tham số
help-heading-options = Tuỳ chọn

help-run = Chạy chương trình của đài: phát và đăng mọi thứ đúng lịch, tự nạp lại lịch đã sửa, ghi mọi việc vào sổ lịch sử, mở /status, /metrics và trang tin ở [http] listen.
help-run-long =
    Chạy chương trình của đài: phát và đăng mọi thứ đúng lịch, tự nạp lại lịch đã sửa, ghi mọi việc vào sổ lịch sử, mở /status, /metrics và trang tin ở [http] listen.

    Nếu các tệp lịch có lỗi, loaxa phát theo bộ lịch hợp lệ gần nhất (và báo rõ); loaxa chỉ từ chối chạy khi chưa từng nạp được bộ lịch nào, khi một loaxa khác đang chạy trên cùng thư mục dữ liệu, hoặc khi sổ lịch sử bị mất hay cũ hơn sổ loaxa ghi lần cuối. SIGHUP để nạp lại; SIGTERM hoặc SIGINT để dừng gọn gàng.
help-run-arg-log_format = Dạng nhật ký: text (chữ cho người đọc, mặc định) hoặc json (mỗi dòng một đối tượng JSON, cho journald và các công cụ thu nhật ký).
help-run-arg-accept_history_reset = Chạy trên sổ lịch sử bị mất hoặc cũ hơn sổ loaxa ghi lần cuối (bản sao lưu chép lại), tiếp tục từ đó. Việc này được ghi vào sổ; các bài có thể đã đăng được giữ ở trạng thái chưa xác nhận, không gửi lại.

help-status = Hỏi chương trình đang chạy: đang phát gì, sắp phát gì, hàng chờ đăng bài, các lỗi.

help-check = Kiểm tra cấu hình và mọi tệp lịch phát, báo tất cả các lỗi.
help-check-long =
    Kiểm tra cấu hình và mọi tệp lịch phát, báo tất cả các lỗi.

    Mỗi lỗi ghi TỆP:DÒNG:CỘT, trích dòng đó và gợi ý cách sửa. Cảnh báo (chương trình trùng giờ trên loa, buổi phát quá dài) không làm kiểm tra thất bại. Việc trùng giờ được dò trong các ngày kể từ hôm nay (xem --days).
help-check-arg-days = Số ngày, kể từ hôm nay, dùng để dò trùng giờ và buổi phát quá dài (1 đến 3660; mặc định 28).
help-check-arg-from = Dò trùng giờ từ ngày này thay vì hôm nay (15/04/2024 hoặc 2024-04-15).

help-plan = In các lượt phát trong một khoảng thời gian: phát gì, lúc nào, ở đâu và bao lâu.
help-plan-long =
    In các lượt phát trong một khoảng thời gian: phát gì, lúc nào, ở đâu và bao lâu.

    Khoảng thời gian là [--from, --to). Ngày giờ tính theo múi giờ của đài; chỉ ghi ngày nghĩa là 00:00 ngày đó.
help-plan-arg-from = Đầu khoảng thời gian: NGÀY (15/04/2024 hoặc 2024-04-15) hoặc NGÀY GIỜ ("15/04/2024 6h" hoặc 2024-04-15T06:00), giờ của đài. Mặc định là bây giờ.
help-plan-arg-days = Độ dài khoảng thời gian, tính bằng ngày (1 đến 3660; mặc định 1).
help-plan-arg-to = Cuối khoảng thời gian (không tính mốc này): NGÀY hoặc NGÀY GIỜ, giờ của đài.
help-plan-arg-json = Mỗi dòng một đối tượng JSON: at, id, title, priority, channels, audio, duration_s.

help-history = Xem những gì đã phát, đã đăng và lúc nào, từ sổ lịch sử (<data>/history.db).
help-history-long =
    Xem những gì đã phát, đã đăng và lúc nào, từ sổ lịch sử (<data>/history.db).

    Các bộ lọc kết hợp với nhau. Giờ là giờ của đài; chỉ ghi ngày nghĩa là 00:00. Việc đọc sổ không làm phiền chương trình đang chạy.
help-history-arg-from = Chỉ các sự kiện từ NGÀY hoặc NGÀY GIỜ này trở đi.
help-history-arg-to = Chỉ các sự kiện trước NGÀY hoặc NGÀY GIỜ này.
help-history-arg-id = Chỉ bản tin có mã này.
help-history-arg-channel = Chỉ kênh này (ví dụ facebook); sự kiện trên loa không có kênh.
help-history-arg-kind = Chỉ các loại sự kiện này (ghi nhiều lần được), ví dụ playout_started, post_failed.
help-history-arg-status = Chỉ các kết quả thuộc nhóm này: ok, failed, missed, unconfirmed hoặc interrupted.
help-history-arg-campaign = Chỉ chiến dịch này (tên như trong [campaign] name).
help-history-arg-format = Dạng kết quả: table (bảng, mặc định), csv hoặc json. Tệp CSV có dấu BOM UTF-8 để bảng tính hiện đúng tiếng Việt.
help-history-arg-summary = Đếm kết quả theo từng bản tin và từng kênh thay vì liệt kê sự kiện.

help-play = Phát ngay các tệp âm thanh trên đường dây loa, để thử loa.
help-play-long =
    Phát ngay các tệp âm thanh trên đường dây loa, để thử loa.

    Các tệp phát lần lượt qua thiết bị đã cấu hình (hoặc --device). Nếu tệp không giải mã được hoặc không mở được thiết bị thì thoát với mã khác 0 và nêu lý do.
help-play-arg-files = Các tệp âm thanh (mp3, ogg, wav, flac, m4a), phát theo thứ tự.
help-play-arg-device = Tên thiết bị phát (xem `loaxa devices`); mặc định: [audio] device, nếu không có thì thiết bị mặc định của hệ thống.
help-play-arg-volume = Âm lượng từ 0 đến 1; mặc định: [audio] volume.

help-post = Đăng ngay phần [broadcast.post] của một bản tin lên các kênh web và mạng xã hội của nó.
help-post-long =
    Đăng ngay phần [broadcast.post] của một bản tin lên các kênh web và mạng xã hội của nó.

    Bài đi qua hàng chờ như của chương trình chạy: được ghi lại trước khi gửi, chỉ thử lại khi an toàn, và ghi vào sổ lịch sử. `--dry-run` chỉ in ra đúng các yêu cầu HTTP sẽ gửi, đã che mã bí mật, và không gửi gì.
help-post-arg-id = Mã của bản tin, như trong tệp lịch phát.
help-post-arg-channel = Chỉ kênh này (mặc định: mọi kênh web bản tin ghi).
help-post-arg-dry_run = In các yêu cầu HTTP (đã che mã bí mật) và không gửi gì.
help-post-arg-again = Vẫn đăng dù một lần gửi trong 24 giờ qua có thể đã đăng bài rồi (bài chưa xác nhận, hoặc đang chờ thử lại). Việc này được ghi vào sổ.

help-now = Phát ngay một bản tin qua trình chạy nền đang chạy (bản tin khẩn cấp ngắt ngang chương trình đang phát).
help-now-long =
    Phát ngay một bản tin qua trình chạy nền đang chạy (bản tin khẩn cấp ngắt ngang chương trình đang phát).

    Chương trình được dựng đúng như trình chạy nền dựng cho bản tin vào giây này, ở mức của chính nó hoặc mức --priority; bài đăng đi qua hàng đợi như thường, trừ khi có --no-post. Thao tác được ghi vào sổ lịch sử kèm tên người dùng Unix của bạn. Cần trình chạy nền đang chạy và bạn thuộc nhóm của nó (`loaxa`).
help-now-arg-id = Mã bản tin, như trong tệp lịch phát.
help-now-arg-file = Phát một tệp âm thanh trong thư mục media thay cho bản tin, thành một chương trình riêng (có nhạc hiệu của đài; không đăng bài).
help-now-arg-say = Đọc văn bản này bằng giọng đọc của đài, thành một chương trình riêng (giữa nhạc hiệu; không đăng bài).
help-now-arg-title = Tiêu đề hiển thị trong sổ lịch sử và bảng điều khiển cho --file hoặc --say (mặc định: tên tệp, hoặc mấy chữ đầu của văn bản).
help-now-arg-priority = Phát ở mức này thay cho mức của bản tin: normal (thông thường), priority (ưu tiên) hoặc emergency (khẩn cấp).
help-now-arg-no_post = Phát mà không đăng lên các kênh web và mạng xã hội.
help-now-arg-channels = Chỉ những kênh này thay cho các kênh của bản tin, cách nhau bằng dấu phẩy (không có `loudspeaker` thì chỉ đăng bài, không phát loa).

help-stop = Dừng chương trình đang phát, qua trình chạy nền đang chạy.
help-stop-long =
    Dừng chương trình đang phát, qua trình chạy nền đang chạy.

    Đường phát im lặng: chương trình được ghi là bị bạn ngắt và không phát lại, các chương trình đã đến giờ đang chờ sau nó cũng bị giữ lại (nêu tên từng chương trình, ghi là thao tác của bạn). Chương trình có lịch muộn hơn vẫn phát đúng giờ. Muốn chuyển sang chương trình tiếp theo thì dùng `loaxa skip`.

help-skip = Dừng chương trình đang phát và chuyển sang chương trình tiếp theo đã đến giờ, qua trình chạy nền đang chạy.
help-skip-long =
    Dừng chương trình đang phát và chuyển sang chương trình tiếp theo đã đến giờ, qua trình chạy nền đang chạy.

    Chương trình được ghi là bị bạn ngắt và không phát lại; chương trình tiếp theo đã đến giờ bắt đầu ngay.

help-queue = Xem chương trình đang phát và các chương trình đang chờ, từ trình chạy nền đang chạy.

help-live = Phát trực tiếp: đưa micro (hoặc line-in, hoặc bộ ghép điện thoại) lên đường loa ngay.
help-live-long =
    Phát trực tiếp: đưa micro (hoặc line-in, hoặc bộ ghép điện thoại) lên đường loa ngay.

    Tiếng từ đầu vào thu âm được phát giữa nhạc hiệu mở và kết của đài, ở mức ưu tiên, trừ khi có --priority emergency (khẩn cấp, ngắt ngang chương trình đang phát). Buổi phát kết thúc lúc --until hoặc sau --for, khi bấm Ctrl-C, hoặc khi cửa sổ lệnh này đóng; không đặt giới hạn thì kết thúc sau [audio] live_max_minutes. Sổ lịch sử ghi ai phát, lúc nào, bao lâu và to bao nhiêu.
help-live-arg-from = Thiết bị thu âm (xem `loaxa devices --input`); mặc định: [audio] live_input.
help-live-arg-until = Kết thúc vào giờ này trong ngày, theo giờ của đài (HH:MM).
help-live-arg-span = Kết thúc sau chừng này thời gian phát: 90s, 10m, 1h30m.
help-live-arg-priority = Mức phát: priority (ưu tiên, mặc định), emergency (khẩn cấp, ngắt ngang ngay) hoặc normal (thông thường).
help-live-arg-title = Tiêu đề hiển thị trong sổ lịch sử và bảng điều khiển.
help-live-arg-record = Ghi lại phần đã phát vào thư mục dữ liệu (live/) để kiểm tra về sau.

help-new = Tạo một tệp lịch phát mới để điền: một bản tin, mỗi mục có giải thích bằng tiếng Việt.
help-new-long =
    Tạo một tệp lịch phát mới để điền: một bản tin, mỗi mục có giải thích bằng tiếng Việt.

    Tệp là `<schedules>/MÃ.toml`; không bao giờ ghi đè tệp đã có. Điền tiêu đề, tệp âm thanh và bài đăng, rồi chạy `loaxa check`.
help-new-after =
    Ví dụ:
      loaxa new ban-tin-sang --at 06:30 --days t2,t4,t6
      loaxa new thong-bao-dvc --at 6h30,17h --title "Dịch vụ công trực tuyến"
help-new-arg-id = Mã bản tin, cũng là tên tệp: chữ không dấu, chữ số, `-`, `_`.
help-new-arg-at = Giờ phát: các giờ cách nhau bằng dấu phẩy, ví dụ 06:30,17:00 (hoặc 6h30,17h); mặc định 06:30.
help-new-arg-days = Những ngày phát, cách nhau bằng dấu phẩy, ví dụ t2,t4,t6 hoặc mon,wed,fri (mặc định: mọi ngày).
help-new-arg-title = Tiêu đề bản tin.

help-devices = Liệt kê các thiết bị phát âm thanh mở được; ghi tên thiết bị cần dùng vào [audio] device.
help-passwd = Tạo dòng mật khẩu cho một người dùng trang điều khiển của bảng điều khiển ([http] control).
help-passwd-long =
    Tạo dòng mật khẩu cho một người dùng trang điều khiển của bảng điều khiển ([http] control).

    Đọc mật khẩu (gõ hai lần, không hiện ra; hoặc một dòng từ đầu vào chuẩn) rồi in `TÊN = "MÃ-BĂM"` (mã băm argon2) để đặt vào mục [http.users] trong loaxa.toml. Chỉ lưu mã băm argon2: bản thân mật khẩu không được lưu ở đâu cả.
help-passwd-arg-name = Tên đăng nhập của người dùng.
help-devices-arg-input = Liệt kê các thiết bị thu âm (micro, line-in) cho `loaxa live`.
help-devices-arg-all = Liệt kê cả các thiết bị không mở được, kèm lý do.

help-verify = Kiểm tra sổ lịch sử còn đầy đủ và nguyên vẹn, và in mắt xích cuối (SỐ:MÃ BĂM).
help-verify-long =
    Kiểm tra sổ lịch sử còn đầy đủ và nguyên vẹn, và in mắt xích cuối (SỐ:MÃ BĂM).

    Lần theo chuỗi mã băm và chỉ ra sự kiện hỏng đầu tiên: một dòng bị sửa, xoá, chèn thêm hoặc đổi thứ tự. Ghi mắt xích cuối vào báo cáo tháng; về sau, `--head SỐ:MÃ` còn phát hiện được các sự kiện bị cắt mất ở cuối. Thoát với mã 1 khi có bất kỳ chỗ đứt nào.
help-verify-arg-head = Mắt xích cuối đã công bố trước đây (như verify in ra): báo lỗi nếu sổ lịch sử không còn chạm tới nó.

help-report = Lập báo cáo cho văn phòng trong một khoảng thời gian: số lượt theo chiến dịch, bản tin và kênh, thời lượng phát, độ trễ, từng sự cố kèm lý do, và mắt xích cuối đã kiểm tra của sổ lịch sử.
help-report-long =
    Lập báo cáo cho văn phòng trong một khoảng thời gian: số lượt theo chiến dịch, bản tin và kênh, thời lượng phát, độ trễ, từng sự cố kèm lý do, và mắt xích cuối đã kiểm tra của sổ lịch sử.

    HTML (một tệp trọn vẹn, có biểu đồ, in được trên giấy A4) hoặc CSV (cùng các bảng đó, cho bảng tính). Chỉ lập từ sổ lịch sử; nếu chuỗi liên kết bị đứt thì báo cáo ghi rõ và lệnh thoát với mã 1.
help-report-after =
    Ví dụ:
      loaxa report --month 2024-05 --out bao-cao-05-2024.html
      loaxa report --from 01/05/2024 --to 15/05/2024 --format csv --out nua-dau-thang-5.csv
      loaxa report --month 2024-05 --lang en > may-2024.html
help-report-arg-month = Tháng cần báo cáo: 05/2024 (hoặc 2024-05), giờ của đài.
help-report-arg-from = Ngày đầu của khoảng thời gian: 01/05/2024 (hoặc 2024-05-01).
help-report-arg-to = Ngày cuối của khoảng thời gian, có tính ngày này.
help-report-arg-format = html hoặc csv; mặc định: theo đuôi tệp của --out, nếu không thì html.
help-report-arg-out = Ghi vào tệp này thay vì in ra màn hình.
help-report-arg-lang = Ngôn ngữ của báo cáo: vi hoặc en (mặc định: [station] language, rồi LOAXA_LANG, rồi LANG).
help-help = Xem hướng dẫn này, hoặc hướng dẫn của một lệnh
help-speak = Đọc thử một văn bản như bản tin sẽ đọc (hoặc phần `speak` của một bản tin), để nghe trước.
help-speak-long =
    Đọc thử một văn bản như bản tin sẽ đọc (hoặc phần `speak` của một bản tin), để nghe trước.

    In ra văn bản đúng như sẽ được đọc (số, ngày tháng và chữ viết tắt viết thành chữ), tạo âm thanh bằng giọng đọc của đài (hoặc --provider, --voice, --speed), rồi phát trên đường loa hoặc ghi ra --out. Từ nào không đọc chắc chắn được thì báo lỗi, như `loaxa check`.
help-speak-arg-what = Văn bản cần đọc, hoặc mã của một bản tin có phần đọc.
help-speak-arg-provider = Một bộ đọc trong [tts] (mặc định: [tts] provider, không có thì espeak-ng).
help-speak-arg-voice = Giọng đọc (espeak-ng: vi, vi-vn-x-central, vi-vn-x-south).
help-speak-arg-speed = Tốc độ, từ 0.5 đến 2.0 (1.0 là bình thường).
help-speak-arg-out = Ghi âm thanh ra tệp này thay vì phát.
help-speak-arg-device = Thiết bị phát (xem `loaxa devices`); mặc định: [audio] device.
help-check-arg-online = Hỏi thêm mỗi nguồn tiếp sóng xem hiện đang phát gì (định dạng, codec, bitrate), bằng ffprobe.
help-central = Lịch sử trung tâm của tỉnh (PostgreSQL): thiết lập, đẩy lịch sử của trạm này lên, và xem trung tâm đang giữ gì.
help-central-init = Tạo hoặc nâng cấp lược đồ của trung tâm (chạy lại an toàn) và đăng ký các trạm.
help-central-init-arg-url = Địa chỉ trung tâm, với quyền người quản trị tỉnh (mật khẩu lấy từ PGPASSWORD).
help-central-init-arg-stations = Đăng ký một trạm (đăng ký lại: mật khẩu mới). Lặp lại cho từng trạm.
help-central-init-arg-password_dir = Thư mục ghi mật khẩu của từng trạm mới, tên ID.password (quyền 0600).
help-central-push = Đẩy lịch sử của trạm này lên trung tâm ngay.
help-central-status = Trung tâm đang giữ gì của trạm này: đầu chuỗi, độ trễ, lần liên lạc cuối, các sự kiện bị từ chối.
help-central-publish = Phát hành một bản tin của tỉnh (tệp âm thanh, hoặc văn bản để các trạm đọc) cho mọi xã hoặc một số xã.
help-central-publish-arg-url = Địa chỉ trung tâm, với quyền người quản trị tỉnh (mật khẩu lấy từ PGPASSWORD).
help-central-publish-arg-file = Tệp âm thanh cần phát.
help-central-publish-arg-text = Hoặc một văn bản, được giọng đọc của từng trạm đọc lên.
help-central-publish-arg-title = Tiêu đề bản tin.
help-central-publish-arg-priority = normal, priority hoặc emergency (khẩn cấp: chen ngay).
help-central-publish-arg-communes = Chỉ các xã này (mã trạm, cách nhau bằng dấu phẩy); mặc định: mọi xã.
help-central-publish-arg-from = Không phát trước thời điểm này (giờ trạm, YYYY-MM-DDTHH:MM); mặc định: ngay.
help-central-publish-arg-until = Không phát sau thời điểm này: trạm nhận muộn hơn sẽ không phát.
help-central-report = Báo cáo của tỉnh cho một tháng: theo từng xã, chương trình đã phát và bị lỡ, bài đăng, số giờ tiếp sóng, bản tin, lần liên lạc cuối, và chuỗi lịch sử còn nguyên vẹn hay không.
help-central-report-arg-url = Địa chỉ trung tâm, với quyền người quản trị tỉnh (mật khẩu lấy từ PGPASSWORD).
help-central-report-arg-month = Tháng, dạng YYYY-MM.
help-central-report-arg-station = Chỉ một xã.
help-central-report-arg-out = Tệp cần ghi: .html hoặc .csv.
help-central-accept-reset = Chấp nhận chuỗi mới của một trạm sau khi hộp mất lịch sử hoặc được khôi phục từ bản sao cũ: chuỗi cũ được giữ nguyên, chuỗi mới được nhận từ chỗ hai chuỗi tách nhau.
help-central-accept-reset-arg-url = Địa chỉ trung tâm, với quyền người quản trị tỉnh (mật khẩu lấy từ PGPASSWORD).
help-central-accept-reset-arg-station = Trạm được chấp nhận chuỗi mới.
help-central-accept-reset-arg-reason = Lý do (thay thẻ nhớ, khôi phục bản sao lưu): lưu cùng lần đặt lại và hiện trong báo cáo.
