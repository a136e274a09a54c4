//! How the review queue decides sell offers and buy requests and applies approved listing
//! changes (registered in `wiring` (`domain::wire`)).

use diesel::QueryResult;
use uuid::Uuid;

use super::change::{apply_change_in_tx, live_fields};
use super::status::{ListingDecision, moderate_listing_in_tx};
use crate::access::Actor;
use crate::db::DbConnection;
use crate::review::{
    ChangeRequest, Decision, Fields, ReviewKind, Reviewable, SubjectError, subject_error,
};

pub(crate) struct ListingReview;

impl Reviewable for ListingReview {
    fn kinds(&self) -> &'static [ReviewKind] {
        &[ReviewKind::SellOffer, ReviewKind::BuyRequest]
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
        let decision = match decision {
            Decision::Approve => ListingDecision::Approve,
            Decision::Reject => ListingDecision::Reject,
            Decision::RequestChanges => ListingDecision::RequestChanges,
        };
        let reason = note.unwrap_or_else(|| "approved".into());
        moderate_listing_in_tx(conn, actor, id, decision, reason)
            .map(drop)
            .map_err(subject_error)
    }

    fn change_subject(&self) -> Option<&'static str> {
        Some("listing")
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
