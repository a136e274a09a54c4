use diesel::prelude::*;
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::enforcement_actions;
use crate::enums::from_db;
use crate::ids::parse_db_id;

crate::text_enum! {
    pub enum ActionKind {
        /// A product or listing leaves every public endpoint and search.
        Hide => "hide",
        /// A recorded warning to a company.
        Warn => "warn",
        /// The company and everything it shows leave public view until reinstated.
        Suspend => "suspend",
        /// Final suspension: no reinstatement except through an upheld appeal.
        Terminate => "terminate",
    }
}

crate::text_enum! {
    pub enum ActionSubject {
        Product => "product",
        Listing => "listing",
        Company => "company",
    }
}

crate::text_enum! {
    /// Why the operator acted: on their own, or resolving a report as upheld.
    pub enum ActionSource {
        Operator => "operator",
        Report => "report",
    }
}

crate::text_enum! {
    /// How a measure ended.
    pub enum Reversal {
        /// An operator unhid the item.
        Unhide => "unhide",
        /// An operator lifted the suspension.
        Reinstate => "reinstate",
        /// An appeal against it was upheld.
        Appeal => "appeal",
    }
}

#[derive(Debug, Clone)]
pub struct EnforcementAction {
    pub id: Uuid,
    pub kind: ActionKind,
    pub subject: ActionSubject,
    pub subject_id: Uuid,
    /// The company it concerns (a company action, or an item of the company).
    pub company_id: Option<Uuid>,
    /// The account it concerns when the item is an individual's buy request.
    pub owner_id: Option<Uuid>,
    pub reason: String,
    pub source: ActionSource,
    pub report_id: Option<Uuid>,
    pub actor_id: Uuid,
    pub created_at: PrimitiveDateTime,
    pub reversed_at: Option<PrimitiveDateTime>,
    pub reversal: Option<Reversal>,
    pub reversal_reason: Option<String>,
}

impl EnforcementAction {
    /// Still in force (a warning stays in force as a record until withdrawn on appeal).
    pub fn in_force(&self) -> bool {
        self.reversed_at.is_none()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = enforcement_actions, treat_none_as_null = true)]
pub(crate) struct ActionRow {
    pub id: String,
    pub kind: String,
    pub subject_type: String,
    pub subject_id: String,
    pub company_id: Option<String>,
    pub owner_id: Option<String>,
    pub reason: String,
    pub source: String,
    pub report_id: Option<String>,
    pub actor_id: String,
    pub created_at: PrimitiveDateTime,
    pub reversed_at: Option<PrimitiveDateTime>,
    pub reversed_by: Option<String>,
    pub reversal: Option<String>,
    pub reversal_reason: Option<String>,
}

impl From<ActionRow> for EnforcementAction {
    fn from(r: ActionRow) -> EnforcementAction {
        EnforcementAction {
            id: parse_db_id(&r.id),
            kind: from_db(&r.kind, ActionKind::parse, ActionKind::Warn),
            subject: from_db(
                &r.subject_type,
                ActionSubject::parse,
                ActionSubject::Company,
            ),
            subject_id: parse_db_id(&r.subject_id),
            company_id: r.company_id.as_deref().map(parse_db_id),
            owner_id: r.owner_id.as_deref().map(parse_db_id),
            reason: r.reason,
            source: from_db(&r.source, ActionSource::parse, ActionSource::Operator),
            report_id: r.report_id.as_deref().map(parse_db_id),
            actor_id: parse_db_id(&r.actor_id),
            created_at: r.created_at,
            reversed_at: r.reversed_at,
            reversal: r.reversal.as_deref().and_then(Reversal::parse),
            reversal_reason: r.reversal_reason,
        }
    }
}

pub(crate) fn load_action(
    conn: &mut crate::db::DbConnection,
    id: Uuid,
) -> QueryResult<Option<ActionRow>> {
    enforcement_actions::table
        .find(id.to_string())
        .select(ActionRow::as_select())
        .first(conn)
        .optional()
}

/// Marks an action reversed (the caller undoes its effect in the same transaction).
pub(crate) fn mark_reversed(
    conn: &mut crate::db::DbConnection,
    row: &mut ActionRow,
    by: Uuid,
    how: Reversal,
    reason: &str,
) -> QueryResult<()> {
    row.reversed_at = Some(crate::clock::now());
    row.reversed_by = Some(by.to_string());
    row.reversal = Some(how.as_str().to_owned());
    row.reversal_reason = Some(reason.to_owned());
    diesel::update(enforcement_actions::table.find(&row.id))
        .set(&*row)
        .execute(conn)?;
    Ok(())
}
