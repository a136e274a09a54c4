//! The top of the domain's module graph: the one place that knows which area reacts to which
//! seam of a lower one. It installs the reactions of `crate::seams` and registers the areas the
//! review queue decides. `domain::wire()` runs it; the program calls it once at start-up, before
//! it opens connections (calling it again does nothing).
//!
//! A new reviewable kind is its area's `review::Reviewable` implementation plus one line in
//! `REVIEWABLES`.

use crate::review::Reviewable;
use crate::seams::{OpenBuyRequest, Reactions, SuspensionChange};

/// Every area whose items wait in the review queue.
static REVIEWABLES: &[&dyn Reviewable] = &[
    &crate::company::CompanyReview,
    &crate::catalog::ProductReview,
    &crate::listing::ListingReview,
    &crate::report::ReportReview,
];

/// Installs the seams' reactions and the reviewable areas.
pub fn wire() {
    crate::seams::install(Reactions {
        credit_inputs_changed: |conn, company_id| {
            crate::credit::recompute_in_tx(conn, company_id).map(|profile| profile.score)
        },
        company_suspended: |conn, change: SuspensionChange<'_>| {
            if change.suspended {
                crate::enforcement::record_suspension(
                    conn,
                    change.actor_id,
                    change.company_id,
                    change.reason,
                )
            } else {
                crate::enforcement::end_suspensions(
                    conn,
                    change.actor_id,
                    change.company_id,
                    change.reason,
                )
            }
        },
        buy_request_open: |conn, request: OpenBuyRequest<'_>| {
            crate::lead_alerts::subscribe_buy_request(
                conn,
                request.owner_id,
                request.listing_id,
                request.title,
                request.category_id,
            )
        },
        screened: crate::review::hooks::screened,
    });
    crate::review::register(REVIEWABLES);
}
