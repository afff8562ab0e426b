//! The report's wording in Vietnamese (the default: it goes to the district in Vietnamese) and
//! English, from the Fluent files (`locales/*/report.ftl`, see [`crate::i18n`]). Every field
//! is filled from its message, so a field without a message is caught by the test below.

use std::sync::OnceLock;

pub use crate::i18n::Lang;
use crate::i18n::text;

impl Lang {
    /// The report's wording in this language (built once).
    pub fn labels(self) -> &'static Labels {
        static VI: OnceLock<Labels> = OnceLock::new();
        static EN: OnceLock<Labels> = OnceLock::new();
        match self {
            Lang::Vi => VI.get_or_init(|| Labels::new(Lang::Vi)),
            Lang::En => EN.get_or_init(|| Labels::new(Lang::En)),
        }
    }
}

/// Declares the fields and fills each from the message `report-FIELD` (underscores as dashes).
macro_rules! labels {
    ($($field:ident),* $(,)?) => {
        pub struct Labels {
            lang: Lang,
            $(pub $field: &'static str,)*
        }

        impl Labels {
            /// Built once per language (see [`Lang::labels`]); the texts live as long as the
            /// process, like the string constants they replace.
            fn new(lang: Lang) -> Labels {
                Labels {
                    lang,
                    $($field: text(lang, &format!("report-{}", stringify!($field).replace('_', "-")), &[]).leak(),)*
                }
            }

            /// Every field's message id and text, for the test that none is missing.
            #[cfg(test)]
            fn all(&self) -> Vec<(String, &str)> {
                vec![$((format!("report-{}", stringify!($field).replace('_', "-")), self.$field),)*]
            }
        }
    };
}

labels! {
    title,
    station,
    period,
    month,
    generated,
    timezone,
    overview,
    scheduled,
    on_time,
    late,
    missed,
    failed,
    interrupted,
    stopped,
    posted,
    post_failed,
    post_skipped,
    unconfirmed,
    pending,
    by_campaign,
    by_broadcast,
    by_channel,
    campaign,
    broadcast,
    bulletin_title,
    channel,
    total,
    loudspeaker,
    airtime,
    airtime_per_day,
    minutes,
    day,
    outcomes_per_channel,
    lateness,
    starts,
    within_1s,
    mean,
    median,
    p95,
    max,
    failures,
    no_failures,
    time,
    event,
    scheduled_for,
    reason,
    integrity,
    events_in_history,
    head,
    intact,
    broken,
    events_counted,
    verify_hint,
    empty_history,
    notes,
    late_rule,
    outcome_rule,
    spoken,
    no_spoken,
    voice,
    duration,
    stood_in,
    relay,
    no_relay,
    sessions,
    hours_relayed,
    hours_fallback,
    availability,
}

impl Labels {
    /// The event kind in words (`event-kind-playout-failed`), or the kind itself.
    pub fn kind(&self, kind: &str) -> String {
        let id = format!("event-kind-{}", kind.replace('_', "-"));
        if crate::i18n::has(self.lang, &id) {
            text(self.lang, &id, &[])
        } else {
            kind.to_string()
        }
    }

    pub fn channel_name(&self, ch: &str) -> String {
        if ch == crate::domain::broadcast::LOUDSPEAKER {
            self.loudspeaker.to_string()
        } else {
            ch.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_its_message_in_both_languages() {
        for lang in Lang::ALL {
            for (id, text) in lang.labels().all() {
                assert!(crate::i18n::has(lang, &id), "{id} missing in {lang:?}");
                assert!(!text.is_empty() && text != id, "{id} in {lang:?}: {text}");
            }
        }
        assert_eq!(Lang::Vi.labels().kind("schedule_rejected"), "Lịch sửa bị từ chối");
        assert_eq!(Lang::En.labels().kind("device_error"), "Sound device error");
        assert_eq!(Lang::En.labels().kind("daemon_started"), "daemon_started");
    }
}
