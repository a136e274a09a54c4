//! Re-enabling an endpoint the worker disabled after it failed for the whole window: the
//! receiver is fixed, so sending resumes for new events with a fresh failure window. The
//! deliveries failed while it was disabled stay `failed`; they can be replayed one by one.

use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::error::WebhookError;
use super::model::{Endpoint, EndpointStatus};
use super::service::{authorize, endpoint_row};
use crate::access::Actor;
use crate::clock::now;
use crate::db::schema::webhook_endpoints;
use crate::db::{self, DbConnection};

/// Makes the endpoint active again and clears its failure window (`failing_since`), so it is
/// disabled again only after failing for a whole new window. An active endpoint is returned
/// unchanged (and nothing is audited): enabling twice is harmless.
pub fn enable(
    conn: &mut DbConnection,
    actor: &Actor,
    company_id: Uuid,
    endpoint_id: Uuid,
) -> Result<Endpoint, WebhookError> {
    authorize(conn, actor, company_id)?;
    db::transaction(conn, |conn| {
        let mut row = endpoint_row(conn, company_id, endpoint_id)?;
        if row.status == EndpointStatus::Active.as_str() {
            return Ok(Endpoint::from(row));
        }
        let before =
            json!({"status": row.status, "disabled_at": row.disabled_at.map(crate::ids::rfc3339)});
        let at = now();
        row.status = EndpointStatus::Active.as_str().to_owned();
        row.failing_since = None;
        row.disabled_at = None;
        row.updated_at = at;
        diesel::update(webhook_endpoints::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        crate::audit::append(
            conn,
            crate::audit::Change {
                actor_id: Some(actor.user_id),
                action: "webhook.enable",
                subject_type: "webhook_endpoint",
                subject_id: &row.id,
                before,
                after: json!({"status": row.status}),
                reason: "",
            },
        )?;
        Ok(Endpoint::from(row))
    })
}
