//! Province bulletins (issue #18): the province publishes one (an audio file's bytes, or a text
//! for the boxes' voice), for every commune or some; each box fetches what follows its cursor,
//! with a `NOTIFY` on `loaxa_bulletins` as the hint that one is new. Row-level security shows a
//! box only the bulletins meant for it.

use chrono::{DateTime, Utc};

use super::{CentralError, within, within_for};

/// A bulletin as the box receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bulletin {
    pub id: i64,
    pub title: String,
    pub priority: crate::schedule::Priority,
    pub text: Option<String>,
    /// The audio's file name (its extension names the format) and bytes.
    pub audio: Option<(String, Vec<u8>)>,
    pub air_from: DateTime<Utc>,
    pub air_until: Option<DateTime<Utc>>,
}

/// What the province publishes.
#[derive(Clone, Debug)]
pub struct Publish {
    pub title: String,
    pub priority: crate::schedule::Priority,
    pub text: Option<String>,
    pub audio: Option<(String, Vec<u8>)>,
    pub air_from: Option<DateTime<Utc>>,
    pub air_until: Option<DateTime<Utc>>,
    /// None: every commune.
    pub communes: Option<Vec<String>>,
}

/// Publishes a bulletin (as the province's operator); its id.
pub async fn publish(client: &tokio_postgres::Client, p: &Publish) -> Result<i64, CentralError> {
    use sha2::Digest;
    let (name, bytes) = match &p.audio {
        Some((n, b)) => (Some(n.clone()), Some(b.clone())),
        None => (None, None),
    };
    let sha = bytes.as_ref().map(|b| sha2::Sha256::digest(b).to_vec());
    let size = bytes.as_ref().map_or(0, Vec::len);
    let row = within_for(
        size,
        client.query_one(
            "INSERT INTO loaxa_bulletins (title, priority, text, audio, audio_name, audio_sha256, air_from, air_until, communes) \
             VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()), $8, $9) RETURNING id",
            &[
                &p.title,
                &p.priority.as_str(),
                &p.text,
                &bytes,
                &name,
                &sha,
                &p.air_from,
                &p.air_until,
                &p.communes,
            ],
        ),
    )
    .await?;
    Ok(row.get(0))
}

/// The bulletins for this box after `cursor`, oldest first (at most 20 at a time). Each one's
/// audio comes in a statement of its own, given the time its size takes on a slow link: a
/// bulletin can carry megabytes, and a fixed wait would take a slow link for a dead one.
pub async fn after(client: &tokio_postgres::Client, cursor: i64) -> Result<Vec<Bulletin>, CentralError> {
    use sha2::Digest;
    let rows = within(client.query(
        "SELECT id, title, priority, text, octet_length(audio), audio_name, audio_sha256, air_from, air_until \
         FROM loaxa_bulletins WHERE id > $1 ORDER BY id LIMIT 20",
        &[&cursor],
    ))
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.get(0);
        let priority: String = r.get(2);
        let size: Option<i32> = r.get(4);
        let audio: Option<Vec<u8>> = match size {
            Some(n) => within_for(
                usize::try_from(n).unwrap_or(0),
                client.query_one("SELECT audio FROM loaxa_bulletins WHERE id = $1", &[&id]),
            )
            .await?
            .get(0),
            None => None,
        };
        let name: Option<String> = r.get(5);
        let sha: Option<Vec<u8>> = r.get(6);
        // The bytes are what the province hashed, or the bulletin is not taken.
        if let (Some(a), Some(s)) = (&audio, &sha)
            && sha2::Sha256::digest(a).as_slice() != s.as_slice()
        {
            return Err(CentralError::Query(t!("central-bulletin-damaged", id = id)));
        }
        out.push(Bulletin {
            id,
            title: r.get(1),
            priority: crate::schedule::Priority::parse(&priority).unwrap_or(crate::schedule::Priority::Normal),
            text: r.get(3),
            audio: audio.map(|a| (name.unwrap_or_else(|| "bulletin".into()), a)),
            air_from: r.get(7),
            air_until: r.get(8),
        });
    }
    Ok(out)
}
