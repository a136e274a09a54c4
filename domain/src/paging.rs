//! Cursor paging of lists: the validated request (`PageRequest`), one page with the cursor of
//! the next (`Page`), and the opaque cursor, which is the last id seen (ids are time-ordered,
//! see `ids`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// One page of a list, with the cursor for the next page when there is one.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub const MAX_PAGE_SIZE: i64 = 100;
pub const DEFAULT_PAGE_SIZE: i64 = 20;

/// Cursor-paging parameters, already validated.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: i64,
    /// Items strictly after this id (lists are ordered by id, newest first).
    pub after: Option<String>,
}

impl PageRequest {
    /// Validates `limit` (1..=100, default 20) and decodes an opaque cursor.
    pub fn parse(
        limit: Option<i64>,
        cursor: Option<&str>,
    ) -> Result<PageRequest, Vec<crate::FieldError>> {
        let mut errors = Vec::new();
        let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            errors.push(crate::FieldError::new(
                "limit",
                "out_of_range",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => match decode_cursor(c) {
                Some(id) => Some(id),
                None => {
                    errors.push(crate::FieldError::new(
                        "cursor",
                        "invalid",
                        "is not a valid cursor",
                    ));
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(PageRequest { limit, after })
        } else {
            Err(errors)
        }
    }

    /// Turns `limit + 1` fetched rows into a page: the extra row only says there is more.
    pub fn page<T>(&self, mut rows: Vec<T>, id_of: impl Fn(&T) -> String) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit.max(0) as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(&id_of(r)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

fn encode_cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Uuid::parse_str(&text).ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::new_id;

    #[test]
    fn cursor_round_trip_and_rejects_garbage() {
        let id = new_id().to_string();
        let c = encode_cursor(&id);
        assert_eq!(decode_cursor(&c), Some(id));
        assert_eq!(decode_cursor("not a cursor"), None);
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(101), None).is_err());
        assert!(PageRequest::parse(Some(100), None).is_ok());
    }
}
