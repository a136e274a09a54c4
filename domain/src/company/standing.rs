//! Whether a suspended company has ended for good: terminated (an active termination in the
//! measures `enforcement` keeps) or closed (it left the platform). A fact of the company that
//! its own status rules and views read, so it is read here; `enforcement` writes the measures.

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::db::schema::{company_closures, enforcement_actions};

/// Why a company cannot be reinstated, verified or otherwise moved by the ordinary routes:
/// `terminated` (an active termination) or `closed` (it left the platform).
pub(crate) fn company_lock(
    conn: &mut DbConnection,
    company_id: Uuid,
) -> QueryResult<Option<&'static str>> {
    let closed: i64 = company_closures::table
        .filter(company_closures::company_id.eq(company_id.to_string()))
        .count()
        .get_result(conn)?;
    if closed > 0 {
        return Ok(Some("closed"));
    }
    // The values of `enforcement::ActionSubject::Company` and `ActionKind::Terminate`.
    let terminations: i64 = enforcement_actions::table
        .filter(enforcement_actions::subject_type.eq("company"))
        .filter(enforcement_actions::subject_id.eq(company_id.to_string()))
        .filter(enforcement_actions::kind.eq("terminate"))
        .filter(enforcement_actions::reversed_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((terminations > 0).then_some("terminated"))
}
