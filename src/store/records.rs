//! Record versions: each distinct registry record fetched for a study, with the registry's
//! `lastUpdatePostDate`, a hash of its bytes, when it was fetched, and the bytes themselves,
//! deflate-compressed (a record is mostly repeated keys: a fifth of its size or less).

use super::{col, now_ms, sha256_hex, Store, StoreError};
use std::collections::HashMap;
use std::io::{Read as _, Write as _};

#[derive(Debug, Clone)]
pub struct RecordVersion {
    pub id: i64,
    pub nct_id: String,
    /// The registry's `lastUpdatePostDate`, when the record has one.
    pub last_update: Option<String>,
    pub content_hash: String,
    pub fetched_at: i64,
    /// The record as the registry sent it.
    pub record: Vec<u8>,
}

/// What the store knows of a study's newest record: enough to tell whether the registry has a
/// newer one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub id: i64,
    pub last_update: Option<String>,
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn decompress(bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| StoreError::Damaged(format!("a stored record does not inflate: {e}")))?;
    Ok(out)
}

/// The date the registry first posted a study (`studyFirstPostDate`, `YYYY-MM-DD`), read from a
/// stored record without building the whole of it.
pub(super) fn first_posted(compressed: &[u8]) -> Result<Option<String>, StoreError> {
    #[derive(serde::Deserialize)]
    struct Record {
        #[serde(rename = "protocolSection")]
        protocol: Option<Protocol>,
    }
    #[derive(serde::Deserialize)]
    struct Protocol {
        #[serde(rename = "statusModule")]
        status: Option<Status>,
    }
    #[derive(serde::Deserialize)]
    struct Status {
        #[serde(rename = "studyFirstPostDateStruct")]
        first_post: Option<DateStruct>,
    }
    #[derive(serde::Deserialize)]
    struct DateStruct {
        date: Option<String>,
    }
    let record: Record = serde_json::from_slice(&decompress(compressed)?)
        .map_err(|e| StoreError::Damaged(format!("a stored record is not a study: {e}")))?;
    Ok(record
        .protocol
        .and_then(|p| p.status?.first_post?.date)
        .filter(|d| is_full_date(d)))
}

/// `YYYY-MM-DD`: a date the page can show as a day (the registry gives some as a month).
fn is_full_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// The columns of a record version, in the order [`row_to_record`] reads them.
const RECORD_COLUMNS: &str = "id, nct_id, last_update, content_hash, fetched_at, record";

fn row_to_record(row: &sqlx::any::AnyRow) -> Result<RecordVersion, StoreError> {
    let compressed: Vec<u8> = col(row, "record")?;
    Ok(RecordVersion {
        id: col(row, "id")?,
        nct_id: col(row, "nct_id")?,
        last_update: col(row, "last_update")?,
        content_hash: col(row, "content_hash")?,
        fetched_at: col(row, "fetched_at")?,
        record: decompress(&compressed)?,
    })
}

impl Store {
    /// Stores a fetched record; a record already stored (same study, same bytes) is kept once.
    /// Returns the version's id and whether it is new.
    pub async fn add_record(
        &self,
        nct_id: &str,
        last_update: Option<&str>,
        record: &[u8],
    ) -> Result<(i64, bool), StoreError> {
        let hash = sha256_hex(record);
        let inserted = sqlx::query(
            "INSERT INTO record_versions (nct_id, last_update, content_hash, fetched_at, record) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (nct_id, content_hash) DO NOTHING \
             RETURNING id",
        )
        .bind(nct_id)
        .bind(last_update.map(str::to_owned))
        .bind(&hash)
        .bind(now_ms())
        .bind(compress(record))
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = inserted {
            return Ok((col(&row, "id")?, true));
        }
        let row =
            sqlx::query("SELECT id FROM record_versions WHERE nct_id = $1 AND content_hash = $2")
                .bind(nct_id)
                .bind(&hash)
                .fetch_one(self.pool())
                .await?;
        Ok((col(&row, "id")?, false))
    }

    pub async fn record(&self, id: i64) -> Result<RecordVersion, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM record_versions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no record version {id}")))?;
        row_to_record(&row)
    }

    /// The newest record version of every study the store holds, by NCT id.
    pub async fn latest_records(&self) -> Result<HashMap<String, Latest>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, nct_id, last_update FROM record_versions WHERE id IN \
             (SELECT MAX(id) FROM record_versions GROUP BY nct_id)",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    col(row, "nct_id")?,
                    Latest {
                        id: col(row, "id")?,
                        last_update: col(row, "last_update")?,
                    },
                ))
            })
            .collect()
    }

    /// Newest record versions that have no page yet: fetched, then the process stopped before
    /// their page was made. The sync renders them first.
    pub async fn unrendered_records(&self) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id FROM record_versions r WHERE r.id IN \
             (SELECT MAX(id) FROM record_versions GROUP BY nct_id) \
             AND NOT EXISTS (SELECT 1 FROM page_versions p WHERE p.record_version_id = r.id) \
             ORDER BY r.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| col(row, "id")).collect()
    }

    /// When the store first fetched a study.
    pub async fn first_seen(&self, nct_id: &str) -> Result<Option<i64>, StoreError> {
        let row =
            sqlx::query("SELECT MIN(fetched_at) AS first FROM record_versions WHERE nct_id = $1")
                .bind(nct_id)
                .fetch_one(self.pool())
                .await?;
        col(&row, "first")
    }

    /// How many record versions the store holds (all studies).
    pub async fn record_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM record_versions")
            .fetch_one(self.pool())
            .await?;
        col(&row, "n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_compress_and_come_back_whole() {
        let record = br#"{"protocolSection": {"identificationModule": {"nctId": "NCT07635758"}}}"#
            .repeat(40);
        let packed = compress(&record);
        assert!(packed.len() * 5 < record.len());
        assert_eq!(decompress(&packed).unwrap(), record);
        assert!(decompress(b"not deflate").is_err());
    }

    #[test]
    fn the_first_posted_date_is_read_when_it_is_a_day() {
        let record = |date: &str| {
            compress(
                format!(
                    r#"{{"protocolSection": {{"statusModule": {{"studyFirstPostDateStruct": {{"date": "{date}", "type": "ACTUAL"}}}}}}}}"#
                )
                .as_bytes(),
            )
        };
        assert_eq!(
            first_posted(&record("2026-06-25")).unwrap().as_deref(),
            Some("2026-06-25")
        );
        assert_eq!(first_posted(&record("2026-06")).unwrap(), None);
        assert_eq!(
            first_posted(&compress(br#"{"protocolSection": {}}"#)).unwrap(),
            None
        );
    }
}
