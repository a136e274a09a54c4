//! Search synonyms managed by operators: groups of words and phrases that mean the same to a
//! buyer, across languages (不锈钢 = stainless steel = SS). The set is replaced as a whole; the
//! change reaches every server's query expansion through the outbox.

use diesel::prelude::*;
use serde_json::json;

use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::search_synonyms;
use crate::db::{self, DbConnection};
use crate::error::{DomainError, ErrorKind, FieldError};
use crate::ids::new_id;
use crate::json_col::{from_json, to_json};
use crate::outbox::{self, topic};
use crate::validate::Validator;

pub const MAX_GROUPS: usize = 1000;
pub const MAX_TERMS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum SynonymError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("only operators manage synonyms")]
    Forbidden,
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for SynonymError {
    fn kind(&self) -> ErrorKind {
        match self {
            SynonymError::Validation(_) => ErrorKind::Validation,
            SynonymError::Forbidden => ErrorKind::Forbidden,
            SynonymError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            SynonymError::Validation(_) => "validation_failed",
            SynonymError::Forbidden => "forbidden",
            SynonymError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            SynonymError::Validation(f) => f,
            _ => &[],
        }
    }
}

/// The groups, in the order they were given.
pub fn list_synonyms(conn: &mut DbConnection) -> QueryResult<Vec<Vec<String>>> {
    let rows: Vec<String> = search_synonyms::table
        .order(search_synonyms::position.asc())
        .select(search_synonyms::terms)
        .load(conn)?;
    Ok(rows.iter().map(|t| from_json(t)).collect())
}

/// Replaces every group. Each group has 2 to 10 distinct terms of 1 to 50 characters.
pub fn replace_synonyms(
    conn: &mut DbConnection,
    actor: &Actor,
    groups: Vec<Vec<String>>,
) -> Result<Vec<Vec<String>>, SynonymError> {
    if !may_on_platform(actor, PlatformAction::Moderate) {
        return Err(SynonymError::Forbidden);
    }
    let mut v = Validator::new();
    v.check(
        groups.len() <= MAX_GROUPS,
        "groups",
        "too_many",
        "at most 1000 groups",
    );
    let mut clean = Vec::with_capacity(groups.len());
    for (g, group) in groups.iter().enumerate() {
        let mut terms: Vec<String> = Vec::new();
        for (t, term) in group.iter().enumerate() {
            let term = v.text(&format!("groups[{g}][{t}]"), term, 1, 50);
            if !terms
                .iter()
                .any(|x| x.to_lowercase() == term.to_lowercase())
            {
                terms.push(term);
            }
        }
        if !(2..=MAX_TERMS).contains(&terms.len()) {
            v.push(
                format!("groups[{g}]"),
                "out_of_range",
                "a group needs 2 to 10 different terms",
            );
        }
        clean.push(terms);
    }
    v.finish().map_err(SynonymError::Validation)?;
    db::transaction(conn, |conn| {
        diesel::delete(search_synonyms::table).execute(conn)?;
        let at = now();
        for (position, terms) in clean.iter().enumerate() {
            diesel::insert_into(search_synonyms::table)
                .values((
                    search_synonyms::id.eq(new_id().to_string()),
                    search_synonyms::position.eq(position as i32),
                    search_synonyms::terms.eq(to_json(terms)),
                    search_synonyms::updated_by.eq(actor.user_id.to_string()),
                    search_synonyms::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        outbox::emit(
            conn,
            topic::SYNONYMS_CHANGED,
            actor.user_id,
            json!({"groups": clean.len()}),
        )?;
        Ok(clean.clone())
    })
}
