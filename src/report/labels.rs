//! The report's wording in Vietnamese (the default: it goes to the district in Vietnamese) and
//! English. One struct per language, so a missing translation is a compile error.

/// The report's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

pub struct Labels {
    pub title: &'static str,
    pub station: &'static str,
    pub period: &'static str,
    pub month: &'static str,
    pub generated: &'static str,
    pub timezone: &'static str,
    pub overview: &'static str,
    pub scheduled: &'static str,
    pub on_time: &'static str,
    pub late: &'static str,
    pub missed: &'static str,
    pub failed: &'static str,
    pub interrupted: &'static str,
    pub posted: &'static str,
    pub post_failed: &'static str,
    pub unconfirmed: &'static str,
    pub pending: &'static str,
    pub by_campaign: &'static str,
    pub by_broadcast: &'static str,
    pub by_channel: &'static str,
    pub campaign: &'static str,
    pub broadcast: &'static str,
    pub channel: &'static str,
    pub total: &'static str,
    pub loudspeaker: &'static str,
    pub airtime: &'static str,
    pub airtime_per_day: &'static str,
    pub minutes: &'static str,
    pub day: &'static str,
    pub outcomes_per_channel: &'static str,
    pub lateness: &'static str,
    pub starts: &'static str,
    pub within_1s: &'static str,
    pub mean: &'static str,
    pub median: &'static str,
    pub p95: &'static str,
    pub max: &'static str,
    pub failures: &'static str,
    pub no_failures: &'static str,
    pub time: &'static str,
    pub event: &'static str,
    pub scheduled_for: &'static str,
    pub reason: &'static str,
    pub integrity: &'static str,
    pub events_in_history: &'static str,
    pub head: &'static str,
    pub intact: &'static str,
    pub broken: &'static str,
    pub events_counted: &'static str,
    pub verify_hint: &'static str,
    pub empty_history: &'static str,
    pub notes: &'static str,
    pub late_rule: &'static str,
    pub outcome_rule: &'static str,
    pub kinds: &'static [(&'static str, &'static str)],
}

impl Labels {
    /// The event kind in words.
    pub fn kind(&self, kind: &str) -> String {
        self.kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or_else(|| kind.to_string(), |(_, v)| v.to_string())
    }

    pub fn channel_name(&self, ch: &str) -> String {
        if ch == crate::config::LOUDSPEAKER {
            self.loudspeaker.to_string()
        } else {
            ch.to_string()
        }
    }
}

pub static VI: Labels = Labels {
    title: "Báo cáo kết quả phát thanh",
    station: "Đài",
    period: "Kỳ báo cáo",
    month: "Tháng",
    generated: "Lập lúc",
    timezone: "Múi giờ",
    overview: "Tổng hợp",
    scheduled: "Theo lịch",
    on_time: "Phát đúng giờ",
    late: "Phát muộn",
    missed: "Bỏ lỡ",
    failed: "Phát lỗi",
    interrupted: "Bị ngắt",
    posted: "Đã đăng",
    post_failed: "Đăng lỗi",
    unconfirmed: "Chưa xác nhận",
    pending: "Đang chờ",
    by_campaign: "Theo chiến dịch",
    by_broadcast: "Theo bản tin",
    by_channel: "Theo kênh",
    campaign: "Chiến dịch",
    broadcast: "Bản tin",
    channel: "Kênh",
    total: "Tổng cộng",
    loudspeaker: "Loa truyền thanh",
    airtime: "Tổng thời lượng phát trên loa",
    airtime_per_day: "Thời lượng phát trên loa theo ngày",
    minutes: "phút",
    day: "Ngày",
    outcomes_per_channel: "Kết quả theo kênh",
    lateness: "Độ trễ khi bắt đầu phát",
    starts: "Số lần bắt đầu",
    within_1s: "Trong vòng 1 giây",
    mean: "Trung bình",
    median: "Trung vị",
    p95: "Phân vị 95",
    max: "Lớn nhất",
    failures: "Sự cố và lý do",
    no_failures: "Không có sự cố nào trong kỳ.",
    time: "Thời điểm",
    event: "Sự việc",
    scheduled_for: "Giờ theo lịch",
    reason: "Lý do",
    integrity: "Tính toàn vẹn của nhật ký",
    events_in_history: "Số sự kiện trong nhật ký",
    head: "Mã đầu chuỗi (head)",
    intact: "Chuỗi băm nguyên vẹn: nhật ký không bị sửa, xoá hay chèn.",
    broken: "NHẬT KÝ ĐÃ BỊ THAY ĐỔI: chuỗi băm đứt tại sự kiện",
    events_counted: "Sự kiện dùng cho báo cáo",
    verify_hint: "Kiểm tra lại bất cứ lúc nào: loaxa verify --head",
    empty_history: "Nhật ký chưa có sự kiện nào.",
    notes: "Ghi chú",
    late_rule: "“Phát muộn”: bắt đầu chậm hơn 1 giây so với lịch.",
    outcome_rule: "Mỗi lần phát theo lịch được tính một kết quả cuối cùng; bản tin bị ngắt rồi phát lại trọn vẹn được tính là phát muộn.",
    kinds: &[
        ("playout_failed", "Phát lỗi"),
        ("playout_missed", "Bỏ lỡ"),
        ("playout_interrupted", "Bị ngắt"),
        ("post_failed", "Đăng lỗi"),
        ("post_unconfirmed", "Chưa xác nhận"),
        ("device_error", "Lỗi thiết bị âm thanh"),
        ("schedule_rejected", "Lịch sửa bị từ chối"),
    ],
};

pub static EN: Labels = Labels {
    title: "Broadcast report",
    station: "Station",
    period: "Period",
    month: "Month",
    generated: "Generated",
    timezone: "Timezone",
    overview: "Overview",
    scheduled: "Scheduled",
    on_time: "Played on time",
    late: "Played late",
    missed: "Missed",
    failed: "Failed",
    interrupted: "Interrupted",
    posted: "Posted",
    post_failed: "Post failed",
    unconfirmed: "Unconfirmed",
    pending: "Pending",
    by_campaign: "By campaign",
    by_broadcast: "By broadcast",
    by_channel: "By channel",
    campaign: "Campaign",
    broadcast: "Broadcast",
    channel: "Channel",
    total: "Total",
    loudspeaker: "Loudspeaker",
    airtime: "Total loudspeaker airtime",
    airtime_per_day: "Loudspeaker airtime per day",
    minutes: "min",
    day: "Day",
    outcomes_per_channel: "Outcomes per channel",
    lateness: "Start lateness",
    starts: "Starts",
    within_1s: "Within 1 second",
    mean: "Mean",
    median: "Median",
    p95: "95th percentile",
    max: "Maximum",
    failures: "Failures and reasons",
    no_failures: "No failures in the period.",
    time: "Time",
    event: "Event",
    scheduled_for: "Scheduled for",
    reason: "Reason",
    integrity: "History integrity",
    events_in_history: "Events in the history",
    head: "Head",
    intact: "Hash chain intact: nothing edited, deleted or inserted.",
    broken: "THE HISTORY HAS BEEN ALTERED: the hash chain breaks at event",
    events_counted: "Events counted",
    verify_hint: "Check again at any time: loaxa verify --head",
    empty_history: "The history has no events yet.",
    notes: "Notes",
    late_rule: "“Played late”: started more than 1 second after its time.",
    outcome_rule: "Each scheduled airing counts once, by its final outcome; a programme interrupted and then replayed in full counts as played late.",
    kinds: &[
        ("playout_failed", "Playout failed"),
        ("playout_missed", "Missed"),
        ("playout_interrupted", "Interrupted"),
        ("post_failed", "Post failed"),
        ("post_unconfirmed", "Post unconfirmed"),
        ("device_error", "Sound device error"),
        ("schedule_rejected", "Schedule edit rejected"),
    ],
};
