use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::{takedown_events, takedown_notices};
use crate::enums::from_db;
use crate::ids::{new_id, parse_db_id};
use crate::json_col::from_json;

crate::text_enum! {
    pub enum RightsType {
        Trademark => "trademark",
        Patent => "patent",
        Copyright => "copyright",
    }
}

crate::text_enum! {
    pub enum TakedownStatus {
        /// Filed, waiting for an operator.
        Submitted => "submitted",
        /// The operator found no ground: nothing happened to the item.
        Rejected => "rejected",
        /// The item is hidden; the supplier may file a counter-notice until `counter_deadline`.
        Accepted => "accepted",
        /// The supplier filed a counter-notice; the item stays hidden until the operator decides.
        Countered => "countered",
        /// The window ended without a counter-notice: the takedown stands.
        Final => "final",
        /// The operator accepted the counter-notice: the item shows again.
        Restored => "restored",
        /// The operator kept the item down despite the counter-notice.
        KeptDown => "kept_down",
        /// An appeal against the takedown was upheld: the item shows again.
        Reversed => "reversed",
    }
}

impl TakedownStatus {
    /// Whether the notice was served on the supplier (the operator acted on it).
    pub fn served(self) -> bool {
        !matches!(self, TakedownStatus::Submitted | TakedownStatus::Rejected)
    }

    /// Whether the takedown keeps the item hidden.
    pub fn holds_item(self) -> bool {
        matches!(
            self,
            TakedownStatus::Accepted
                | TakedownStatus::Countered
                | TakedownStatus::Final
                | TakedownStatus::KeptDown
        )
    }
}

crate::text_enum! {
    /// Who took a step of the case.
    pub enum EventParty {
        Notifier => "notifier",
        Supplier => "supplier",
        Operator => "operator",
        /// The counter-notice window ended.
        System => "system",
    }
}

#[derive(Debug, Clone)]
pub struct Notice {
    pub id: Uuid,
    pub notifier_id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub rights_type: RightsType,
    pub rights_holder: String,
    pub registration_number: String,
    pub description: String,
    pub evidence_urls: Vec<String>,
    /// Media ids (the notifier's uploads with purpose `attachment`).
    pub evidence_attachments: Vec<String>,
    pub good_faith: bool,
    /// As of the time it was read (`final` once the window has ended, stored or not).
    pub status: TakedownStatus,
    pub counter_deadline: Option<PrimitiveDateTime>,
    pub counter_statement: Option<String>,
    pub counter_evidence_urls: Vec<String>,
    /// Media ids (uploads of the supplier's members with purpose `attachment`).
    pub counter_evidence_attachments: Vec<String>,
    pub countered_at: Option<PrimitiveDateTime>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = takedown_notices, treat_none_as_null = true)]
pub(crate) struct NoticeRow {
    pub id: String,
    pub notifier_id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub company_id: Option<String>,
    pub owner_id: Option<String>,
    pub rights_type: String,
    pub rights_holder: String,
    pub registration_number: String,
    pub description: String,
    pub evidence_urls: String,
    pub good_faith: bool,
    pub status: String,
    pub counter_deadline: Option<PrimitiveDateTime>,
    pub counter_statement: Option<String>,
    pub counter_evidence_urls: Option<String>,
    pub countered_at: Option<PrimitiveDateTime>,
    pub countered_by: Option<String>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub decided_by: Option<String>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// JSON list of media ids.
    pub evidence_attachments: String,
    /// JSON list of media ids (the counter-notice's files).
    pub counter_evidence_attachments: String,
}

impl NoticeRow {
    pub fn stored_status(&self) -> TakedownStatus {
        from_db(
            &self.status,
            TakedownStatus::parse,
            TakedownStatus::Submitted,
        )
    }

    /// The status at `at`: an accepted notice whose window has ended is final from that instant.
    pub fn status_at(&self, at: PrimitiveDateTime) -> TakedownStatus {
        match (self.stored_status(), self.counter_deadline) {
            (TakedownStatus::Accepted, Some(deadline)) if at >= deadline => TakedownStatus::Final,
            (s, _) => s,
        }
    }

    pub fn notice_at(self, at: PrimitiveDateTime) -> Notice {
        let status = self.status_at(at);
        let closed_at = match (status, self.closed_at) {
            (TakedownStatus::Final, None) => self.counter_deadline,
            (_, c) => c,
        };
        Notice {
            id: parse_db_id(&self.id),
            notifier_id: parse_db_id(&self.notifier_id),
            subject_type: self.subject_type,
            subject_id: parse_db_id(&self.subject_id),
            company_id: self.company_id.as_deref().map(parse_db_id),
            owner_id: self.owner_id.as_deref().map(parse_db_id),
            rights_type: from_db(&self.rights_type, RightsType::parse, RightsType::Trademark),
            rights_holder: self.rights_holder,
            registration_number: self.registration_number,
            description: self.description,
            evidence_urls: from_json(&self.evidence_urls),
            evidence_attachments: from_json(&self.evidence_attachments),
            good_faith: self.good_faith,
            status,
            counter_deadline: self.counter_deadline,
            counter_statement: self.counter_statement,
            counter_evidence_urls: self
                .counter_evidence_urls
                .as_deref()
                .map(from_json)
                .unwrap_or_default(),
            counter_evidence_attachments: from_json(&self.counter_evidence_attachments),
            countered_at: self.countered_at,
            decided_at: self.decided_at,
            closed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn owner(&self) -> crate::enforcement::ItemOwner {
        crate::enforcement::ItemOwner {
            company_id: self.company_id.as_deref().map(parse_db_id),
            owner_id: self.owner_id.as_deref().map(parse_db_id),
        }
    }
}

/// One step of a case.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub at: PrimitiveDateTime,
    pub party: EventParty,
    /// `filed`, `accepted`, `rejected`, `counter_notice`, `restored`, `kept_down`, `final`,
    /// `appealed`, `appeal_upheld`, `appeal_rejected`.
    pub kind: String,
    pub note: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = takedown_events)]
pub(crate) struct EventRow {
    pub at: PrimitiveDateTime,
    pub party: String,
    pub kind: String,
    pub note: String,
}

impl From<EventRow> for TimelineEvent {
    fn from(r: EventRow) -> TimelineEvent {
        TimelineEvent {
            at: r.at,
            party: from_db(&r.party, EventParty::parse, EventParty::System),
            kind: r.kind,
            note: r.note,
        }
    }
}

/// Loads a notice, locking its row for the rest of the transaction (a no-op UPDATE: a row lock
/// on PostgreSQL; SQLite's write transactions are serialized anyway).
pub(crate) fn load_notice(conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<NoticeRow>> {
    diesel::update(takedown_notices::table.find(id.to_string()))
        .set(takedown_notices::updated_at.eq(takedown_notices::updated_at))
        .execute(conn)?;
    takedown_notices::table
        .find(id.to_string())
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

pub(crate) fn save_notice(conn: &mut DbConnection, row: &NoticeRow) -> QueryResult<()> {
    diesel::update(takedown_notices::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// Appends one step to the case's timeline.
pub(crate) fn record_event(
    conn: &mut DbConnection,
    notice_id: &str,
    at: PrimitiveDateTime,
    actor_id: Option<Uuid>,
    party: EventParty,
    kind: &str,
    note: &str,
) -> QueryResult<()> {
    diesel::insert_into(takedown_events::table)
        .values((
            takedown_events::id.eq(new_id().to_string()),
            takedown_events::notice_id.eq(notice_id),
            takedown_events::at.eq(at),
            takedown_events::actor_id.eq(actor_id.map(|a| a.to_string())),
            takedown_events::party.eq(party.as_str()),
            takedown_events::kind.eq(kind),
            takedown_events::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn events_of(
    conn: &mut DbConnection,
    notice_id: &str,
) -> QueryResult<Vec<TimelineEvent>> {
    let rows: Vec<EventRow> = takedown_events::table
        .filter(takedown_events::notice_id.eq(notice_id))
        .order((takedown_events::at.asc(), takedown_events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(TimelineEvent::from).collect())
}
