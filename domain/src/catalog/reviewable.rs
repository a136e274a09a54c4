//! How the review queue decides products and applies approved product changes (registered in
//! `wiring` (`domain::wire`)).

use diesel::QueryResult;
use uuid::Uuid;

use super::change::{apply_change_in_tx, live_fields};
use super::status::{ProductAction, change_product_status_in_tx};
use crate::access::Actor;
use crate::db::DbConnection;
use crate::review::{
    ChangeRequest, Decision, Fields, ReviewKind, Reviewable, SubjectError, subject_error,
};

pub(crate) struct ProductReview;

impl Reviewable for ProductReview {
    fn kinds(&self) -> &'static [ReviewKind] {
        &[ReviewKind::Product]
    }

    fn apply_decision(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        _kind: ReviewKind,
        id: Uuid,
        decision: Decision,
        note: Option<String>,
    ) -> Result<(), SubjectError> {
        let action = match decision {
            Decision::Approve => ProductAction::Approve,
            Decision::Reject => ProductAction::Reject,
            Decision::RequestChanges => ProductAction::RequestChanges,
        };
        let reason = note.unwrap_or_else(|| "approved".into());
        change_product_status_in_tx(conn, actor, id, action, Some(reason))
            .map(drop)
            .map_err(subject_error)
    }

    fn change_subject(&self) -> Option<&'static str> {
        Some("product")
    }

    fn live_fields(&self, conn: &mut DbConnection, id: Uuid) -> QueryResult<Option<Fields>> {
        live_fields(conn, id)
    }

    fn apply_change(
        &self,
        conn: &mut DbConnection,
        cr: &ChangeRequest,
    ) -> Result<(), SubjectError> {
        apply_change_in_tx(conn, cr)
            .map(drop)
            .map_err(subject_error)
    }
}
