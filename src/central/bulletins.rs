//! Province bulletins (issue #18): the province publishes one (an audio file's bytes, or a text
//! for the boxes' voice), for every commune or some; each box fetches what follows its cursor,
//! with a `NOTIFY` on `loaxa_bulletins` as the hint that one is new. Row-level security shows a
//! box only the bulletins meant for it.

use chrono::{DateTime, Utc};

use super::{CentralError, within, within_for};

/// The most audio a bulletin may carry: Hà Nội caps a session at 45 minutes, which is 54 MB of
/// MP3 at 160 kbit/s. The centre refuses more (schema.sql), and the box does not take more from
/// a centre that holds it anyway.
pub const MAX_AUDIO: i64 = 64 * 1024 * 1024;

/// The audio is fetched this much at a time, each piece written to disk before the next is
/// asked for: a bulletin's megabytes are never all in the box's memory.
const PIECE: i32 = 1024 * 1024;

/// A bulletin as the box receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bulletin {
    pub id: i64,
    pub title: String,
    pub priority: crate::domain::broadcast::Priority,
    pub text: Option<String>,
    /// Its audio, still at the centre: [`fetch_audio`] brings it.
    pub audio: Option<Audio>,
    pub air_from: DateTime<Utc>,
    pub air_until: Option<DateTime<Utc>>,
}

/// A bulletin's audio at the centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    /// The province's file name (its extension names the format).
    pub name: String,
    pub size: i64,
    pub sha256: Vec<u8>,
}

/// What the province publishes.
#[derive(Clone, Debug)]
pub struct Publish {
    pub title: String,
    pub priority: crate::domain::broadcast::Priority,
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

/// The bulletins for this box after `cursor`, oldest first (at most 20 at a time), without
/// their audio.
pub async fn after(client: &tokio_postgres::Client, cursor: i64) -> Result<Vec<Bulletin>, CentralError> {
    let rows = within(client.query(
        "SELECT id, title, priority, text, octet_length(audio)::bigint, audio_name, audio_sha256, air_from, air_until \
         FROM loaxa_bulletins WHERE id > $1 ORDER BY id LIMIT 20",
        &[&cursor],
    ))
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let priority: String = r.get(2);
            let size: Option<i64> = r.get(4);
            let name: Option<String> = r.get(5);
            let sha: Option<Vec<u8>> = r.get(6);
            Bulletin {
                id: r.get(0),
                title: r.get(1),
                priority: crate::domain::broadcast::Priority::parse(&priority)
                    .unwrap_or(crate::domain::broadcast::Priority::Normal),
                text: r.get(3),
                audio: size.map(|size| Audio {
                    name: name.unwrap_or_else(|| "bulletin".into()),
                    size,
                    sha256: sha.unwrap_or_default(),
                }),
                air_from: r.get(7),
                air_until: r.get(8),
            }
        })
        .collect())
}

/// Brings bulletin `id`'s audio into `path`, a piece at a time, each piece given the time its
/// size takes on a slow link (a fixed wait would take a slow link for a dead one). The bytes are
/// what the province hashed, or nothing is kept.
pub async fn fetch_audio(
    client: &tokio_postgres::Client,
    id: i64,
    audio: &Audio,
    path: &std::path::Path,
) -> Result<(), CentralError> {
    use sha2::Digest;
    use tokio::io::AsyncWriteExt;
    let local = |e: std::io::Error| CentralError::Local(t!("province-cannot-keep", id = id, why = e));
    let partial = path.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial).await.map_err(local)?;
    let mut hash = sha2::Sha256::new();
    let mut at: i64 = 0;
    while at < audio.size {
        // substring counts from 1.
        let from = at + 1;
        let piece: Vec<u8> = within_for(
            PIECE as usize,
            client.query_one(
                "SELECT substring(audio FROM $2::int FOR $3::int) FROM loaxa_bulletins WHERE id = $1",
                &[&id, &(from as i32), &PIECE],
            ),
        )
        .await?
        .get(0);
        if piece.is_empty() {
            break;
        }
        hash.update(&piece);
        file.write_all(&piece).await.map_err(local)?;
        at += piece.len() as i64;
    }
    file.sync_all().await.map_err(local)?;
    drop(file);
    if at != audio.size || hash.finalize().as_slice() != audio.sha256.as_slice() {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(CentralError::Query(t!("central-bulletin-damaged", id = id)));
    }
    tokio::fs::rename(&partial, path).await.map_err(local)
}
