//! The report's tables as one CSV file for spreadsheets: a titled block per table, separated
//! by a blank line, with a UTF-8 byte-order mark so Excel and LibreOffice read Vietnamese.

use std::io::Write;

use super::html::{column_label, column_value, count_columns, number};
use super::labels::Lang;
use super::tally::Counts;
use super::{Report, date_text};

pub fn write(out: &mut impl Write, r: &Report, lang: Lang) -> std::io::Result<()> {
    let l = lang.labels();
    let tz = r.timezone;
    let t = &r.tally;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    let period = format!("{} – {}", date_text(r.period.first_day), date_text(r.period.last_day));
    w.write_record([l.title])?;
    w.write_record([l.station, r.station.as_str()])?;
    w.write_record([l.period, period.as_str()])?;
    w.write_record([l.timezone, tz.name()])?;
    let generated = r.generated_at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    w.write_record([l.generated, generated.as_str()])?;
    w.write_record([l.airtime, number(t.airtime_s / 60.0, 1, lang).as_str(), l.minutes])?;
    let i = &r.integrity;
    w.write_record([l.events_in_history, i.events.to_string().as_str()])?;
    if let Some(h) = &i.head {
        w.write_record([l.head, h.to_string().as_str()])?;
    }
    match &i.first_break {
        Some(b) => w.write_record([l.integrity, &format!("{} {}: {b}", l.broken, b.seq())])?,
        None => w.write_record([l.integrity, l.intact])?,
    }
    w.write_record([""])?;

    // The leading columns of a table (name, and for bulletins their title and campaign), then
    // the counts: a header and its rows are built from the same list, so they stay as wide.
    let header = |leading: &[&str]| -> Vec<String> {
        let mut h: Vec<String> = leading.iter().map(|s| s.to_string()).collect();
        h.extend(count_columns().map(|c| column_label(l, c).to_string()));
        h
    };
    let row = |leading: &[&str], c: &Counts| -> Vec<String> {
        let mut r: Vec<String> = leading.iter().map(|s| s.to_string()).collect();
        r.extend(count_columns().map(|col| column_value(c, col).to_string()));
        r
    };

    w.write_record([l.by_campaign])?;
    w.write_record(header(&[l.campaign]))?;
    for (k, c) in &t.by_campaign {
        w.write_record(row(&[k], c))?;
    }
    w.write_record(row(&[l.total], &t.total))?;
    w.write_record([""])?;

    w.write_record([l.by_broadcast])?;
    w.write_record(header(&[l.broadcast, l.bulletin_title, l.campaign]))?;
    for (id, (title, campaign, c)) in &t.by_broadcast {
        w.write_record(row(&[id, title, campaign], c))?;
    }
    w.write_record([""])?;

    w.write_record([l.by_channel])?;
    w.write_record(header(&[l.channel]))?;
    for (ch, c) in &t.by_channel {
        w.write_record(row(&[&l.channel_name(ch)], c))?;
    }
    w.write_record([""])?;

    w.write_record([l.airtime_per_day])?;
    w.write_record([l.day, l.minutes])?;
    for (day, s) in &t.airtime_by_day {
        w.write_record([date_text(*day), number(s / 60.0, 2, lang)])?;
    }
    w.write_record([""])?;

    let lt = &t.lateness;
    w.write_record([l.lateness])?;
    w.write_record([l.starts, l.within_1s, l.mean, l.median, l.p95, l.max])?;
    w.write_record([
        lt.starts.to_string(),
        lt.within_1s.to_string(),
        number(lt.mean_ms, 1, lang),
        lt.median_ms.to_string(),
        lt.p95_ms.to_string(),
        lt.max_ms.to_string(),
    ])?;
    w.write_record([""])?;

    w.write_record([l.failures])?;
    w.write_record([
        "seq",
        l.time,
        l.event,
        l.broadcast,
        l.scheduled_for,
        l.channel,
        l.reason,
    ])?;
    for f in &t.failures {
        w.write_record([
            f.seq.to_string(),
            f.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string(),
            l.kind(&f.kind),
            f.broadcast_id.clone().unwrap_or_default(),
            f.scheduled_at
                .map(|s| s.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
                .unwrap_or_default(),
            f.channel.as_deref().map(|c| l.channel_name(c)).unwrap_or_default(),
            f.reason.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
