//! The report's tables as one CSV file for spreadsheets: a titled block per table, separated
//! by a blank line, with a UTF-8 byte-order mark so Excel and LibreOffice read Vietnamese.

use std::io::Write;

use super::html::{column_label, column_value, count_columns, number};
use super::labels::Lang;
use super::tally::Counts;
use super::{Report, date_text};

/// Writes one record, each cell made safe for a spreadsheet (titles and reasons are written by
/// people, and a cell beginning with `=` would run as a formula).
fn put<W: Write, T: AsRef<str>>(w: &mut csv::Writer<W>, record: impl IntoIterator<Item = T>) -> csv::Result<()> {
    w.write_record(
        record
            .into_iter()
            .map(|c| crate::domain::text::spreadsheet_safe(c.as_ref()).into_owned()),
    )
}

pub fn write(out: &mut impl Write, r: &Report, lang: Lang) -> std::io::Result<()> {
    let l = lang.labels();
    let tz = r.timezone;
    let t = &r.tally;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    let period = format!("{} – {}", date_text(r.period.first_day), date_text(r.period.last_day));
    put(&mut w, [l.title])?;
    put(&mut w, [l.station, r.station.as_str()])?;
    put(&mut w, [l.period, period.as_str()])?;
    put(&mut w, [l.timezone, tz.name()])?;
    let generated = r.generated_at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    put(&mut w, [l.generated, generated.as_str()])?;
    put(
        &mut w,
        [l.airtime, number(t.airtime_s / 60.0, 1, lang).as_str(), l.minutes],
    )?;
    let i = &r.integrity;
    put(&mut w, [l.events_in_history, i.events.to_string().as_str()])?;
    if let Some(h) = &i.head {
        put(&mut w, [l.head, h.to_string().as_str()])?;
    }
    match &i.first_break {
        Some(b) => put(&mut w, [l.integrity, &format!("{} {}: {b}", l.broken, b.seq())])?,
        None => put(&mut w, [l.integrity, l.intact])?,
    }
    put(&mut w, [""])?;

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

    put(&mut w, [l.by_campaign])?;
    put(&mut w, header(&[l.campaign]))?;
    for (k, c) in &t.by_campaign {
        put(&mut w, row(&[k], c))?;
    }
    put(&mut w, row(&[l.total], &t.total))?;
    put(&mut w, [""])?;

    put(&mut w, [l.by_broadcast])?;
    put(&mut w, header(&[l.broadcast, l.bulletin_title, l.campaign]))?;
    for (id, (title, campaign, c)) in &t.by_broadcast {
        put(&mut w, row(&[id, title, campaign], c))?;
    }
    put(&mut w, [""])?;

    put(&mut w, [l.by_channel])?;
    put(&mut w, header(&[l.channel]))?;
    for (ch, c) in &t.by_channel {
        put(&mut w, row(&[&l.channel_name(ch)], c))?;
    }
    put(&mut w, [""])?;

    put(&mut w, [l.airtime_per_day])?;
    put(&mut w, [l.day, l.minutes])?;
    for (day, s) in &t.airtime_by_day {
        put(&mut w, [date_text(*day), number(s / 60.0, 2, lang)])?;
    }
    put(&mut w, [""])?;

    let lt = &t.lateness;
    put(&mut w, [l.lateness])?;
    put(&mut w, [l.starts, l.within_1s, l.mean, l.median, l.p95, l.max])?;
    put(
        &mut w,
        [
            lt.starts.to_string(),
            lt.within_1s.to_string(),
            number(lt.mean_ms, 1, lang),
            lt.median_ms.to_string(),
            lt.p95_ms.to_string(),
            lt.max_ms.to_string(),
        ],
    )?;
    put(&mut w, [""])?;

    put(&mut w, [l.failures])?;
    put(
        &mut w,
        [
            "seq",
            l.time,
            l.event,
            l.broadcast,
            l.scheduled_for,
            l.channel,
            l.reason,
        ],
    )?;
    for f in &t.failures {
        put(
            &mut w,
            [
                f.seq.to_string(),
                f.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string(),
                l.kind(&f.kind),
                f.broadcast_id.clone().unwrap_or_default(),
                f.scheduled_at
                    .map(|s| s.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
                    .unwrap_or_default(),
                f.channel.as_deref().map(|c| l.channel_name(c)).unwrap_or_default(),
                f.reason.clone(),
            ],
        )?;
    }
    w.flush()?;
    Ok(())
}
