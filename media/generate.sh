#!/usr/bin/env bash
# Regenerates the sample bulletins in this folder: Vietnamese speech from espeak-ng and a chime
# from sox, encoded to small mono Ogg Vorbis files. The outputs are committed, so running this
# is only needed to change them. Needs: apt-get install espeak-ng sox vorbis-tools
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

speak() { # speak OUT.ogg "text"
  mkdir -p "$(dirname "$1")"
  espeak-ng -v vi -s 150 -w "$tmp/s.wav" "$2"
  sox "$tmp/s.wav" -r 16000 -c 1 -b 16 "$tmp/r.wav" norm -3
  oggenc -Q -q -1 -o "$1" "$tmp/r.wav"
}

# Two-tone chime (G5 then C5), 1.6 s with a fade.
sox -n -r 16000 -c 1 "$tmp/a.wav" synth 0.8 sine 784 fade q 0.02 0.8 0.4 vol 0.6
sox -n -r 16000 -c 1 "$tmp/b.wav" synth 0.8 sine 523 fade q 0.02 0.8 0.5 vol 0.6
sox "$tmp/a.wav" "$tmp/b.wav" -b 16 "$tmp/chime.wav"
oggenc -Q -q -1 -o chime.ogg "$tmp/chime.wav"

speak mot-cua/kiem-soat-thu-tuc.ogg "Kính thưa bà con. Ủy ban nhân dân xã thông báo: từ nay, mọi thủ tục hành chính được tiếp nhận và trả kết quả tại Bộ phận Một cửa của xã. Bà con không phải nộp thêm giấy tờ ngoài danh mục đã niêm yết."
speak mot-cua/mot-cua-lien-thong.ogg "Bộ phận Một cửa xã làm việc từ thứ Hai đến thứ Sáu, sáng từ bảy giờ ba mươi, chiều từ một giờ ba mươi. Bà con có thể tra cứu tiến độ hồ sơ trên Cổng Dịch vụ công quốc gia."
speak de-an-06/vneid-muc-2.ogg "Đề án 06. Hướng dẫn kích hoạt tài khoản định danh điện tử mức hai. Bà con mang căn cước công dân đến công an xã để được hỗ trợ đăng ký và kích hoạt ứng dụng VNeID."
speak de-an-06/thanh-toan-khong-dung-tien-mat.ogg "Đề án 06 khuyến khích bà con thanh toán không dùng tiền mặt khi nộp phí, lệ phí thủ tục hành chính và khi nhận chi trả an sinh xã hội."
speak chuyen-doi-so/dich-vu-cong-truc-tuyen.ogg "Chuyển đổi số. Bà con có thể nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia tại địa chỉ dịch vụ công chấm gốp chấm vê en, không cần đến trụ sở."
speak chuyen-doi-so/ngay-chuyen-doi-so.ogg "Hưởng ứng Ngày Chuyển đổi số quốc gia mười tháng mười, tổ công nghệ số cộng đồng của xã hướng dẫn bà con cài đặt và sử dụng các ứng dụng số thiết yếu."
speak khan-cap/canh-bao-bao.ogg "Thông báo khẩn. Bão đang tiến gần vào đất liền. Đề nghị bà con chằng chống nhà cửa, không ra đồng, không đi thuyền, và theo dõi thông báo của xã."

# A small cover picture for posts (a plain PNG, drawn without any image library).
mkdir -p images
python3 - <<'PY'
import struct, zlib
w, h = 120, 63
rows = b"".join(b"\x00" + bytes((200, 16, 46) if y < h // 2 else (255, 205, 0)) * w for y in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
open("images/vneid.png", "wb").write(png)
PY
