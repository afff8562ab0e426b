//! `loaxa new ID`: a schedule file to fill in, so an officer starts from something that is
//! already right instead of copying a file and its mistakes.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::cli::NewArgs;
use crate::domain::localtime::{Weekdays, parse_clock};
use crate::exit::{EXIT_INVALID, EXIT_USAGE};

pub fn run(config_path: &Path, args: &NewArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let text = match template(args) {
        Ok(t) => t,
        Err(e) => {
            crate::console::error(e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let path = config.station.schedules.join(format!("{}.toml", args.id));
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
    let written = file.and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()));
    match written {
        Ok(()) => {
            outln!("{}", t!("cli-new-written", path = path.display()));
            outln!("{}", t!("cli-new-next"));
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            crate::console::error(t!("cli-new-exists", path = path.display()));
            crate::console::help(t!("cli-new-exists-hint"));
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            crate::console::error(t!("cli-cannot-write", path = path.display(), why = e));
            crate::console::help(t!("cli-new-cannot-write-hint"));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The file's text, every key commented in Vietnamese. Pure, so it is tested without I/O.
pub fn template(args: &NewArgs) -> Result<String, String> {
    let id = args.id.trim();
    let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 80
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !id_ok {
        return Err(t!("cli-new-bad-id", id = id));
    }
    let mut times = Vec::new();
    for t in args.at.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let clock = parse_clock(t).map_err(|e| format!("--at: {e}"))?;
        times.push(format!("\"{}\"", clock.format("%H:%M")));
    }
    if times.is_empty() {
        return Err("--at: give at least one time, e.g. --at 06:30".into());
    }
    let days = match &args.days {
        None => None,
        Some(list) => {
            let mut words = Vec::new();
            for d in list.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                if Weekdays::parse_word(d).is_none() {
                    return Err(t!("cli-new-bad-day", day = d));
                }
                words.push(format!("\"{d}\""));
            }
            Some(words.join(", "))
        }
    };
    let title = args
        .title
        .as_deref()
        .unwrap_or("Bản tin (sửa tiêu đề)")
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let days_line = match days {
        Some(d) => format!("days = [{d}]                     # ngày phát: t2…t7, cn; bỏ dòng này để phát mọi ngày\n"),
        None => {
            "# days = [\"t2\", \"t4\", \"t6\"]          # ngày phát: t2…t7, cn; không có dòng này = mọi ngày\n".into()
        }
    };
    Ok(format!(
        "# Lịch phát: {id}\n\
         # Sửa các dòng dưới đây, lưu tệp, rồi chạy `loaxa check` để kiểm tra.\n\
         # Ngày viết 2026-12-01 hoặc \"01/12/2026\"; giờ viết \"06:30\" hoặc \"6h30\".\n\
         \n\
         [[broadcast]]\n\
         id = \"{id}\"                      # mã bản tin, không trùng với tệp khác\n\
         title = \"{title}\"\n\
         at = [{times}]                  # giờ phát (24 giờ)\n\
         {days_line}\
         # from = \"01/12/2026\"                   # ngày bắt đầu (không bắt buộc)\n\
         # until = \"31/12/2026\"                  # ngày kết thúc (không bắt buộc)\n\
         priority = \"thông thường\"               # thông thường | ưu tiên | khẩn cấp\n\
         audio = [\"ten-tep.mp3\"]                 # tệp âm thanh trong thư mục media/ (sửa tên tệp)\n\
         channels = [\"loudspeaker\"]              # thêm kênh web/mạng xã hội, ví dụ \"facebook\", \"zalo\"\n\
         \n\
         # Nội dung đăng lên web và mạng xã hội (cần khi có kênh ngoài loa):\n\
         # [broadcast.post]\n\
         # text = \"\"\"\n\
         # Nội dung thông báo gửi bà con.\n\
         # \"\"\"\n",
        times = times.join(", "),
    ))
}
