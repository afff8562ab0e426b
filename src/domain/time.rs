//! Instants: stored in UTC, written one way, and turned from the station's local time into
//! UTC across a zone's gaps and overlaps. Pure.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

/// Formats an instant the way the history stores it: RFC 3339, milliseconds, `Z`.
pub fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Converts a station-local date-time to UTC. An ambiguous time (clocks going back) is the
/// first of the two; a time that does not exist (clocks going forward) moves past the gap.
/// Asia/Ho_Chi_Minh has neither, but a station may configure another zone.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            let mut probe = local;
            for _ in 0..4 * 24 {
                probe += Duration::minutes(15);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}
