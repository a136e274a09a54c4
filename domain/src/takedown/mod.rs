//! IP notice and takedown (通知—删除): a rights holder files a notice with proof of rights; an
//! operator accepts it (the item is hidden at once and the supplier told) or rejects it; the
//! supplier may file a counter-notice within a window fixed at acceptance; without one the
//! takedown becomes final when the window ends; the operator decides a counter-notice (restore
//! or keep down). Every step is an event of the case's timeline, which both sides read.
//!
//! Status: `submitted` → `accepted` | `rejected`; `accepted` → `countered` (a counter-notice) or
//! `final` (the window ended: computed on every read from `counter_deadline`, and stored by the
//! periodic `finalize_due`); `countered` → `restored` | `kept_down`; `final` | `kept_down` →
//! `reversed` (an upheld appeal).

mod counter;
mod decide;
mod error;
mod file;
mod finalize;
mod model;
mod notify;
mod transparency;
mod view;

pub use counter::{CounterNoticeInput, file_counter_notice};
pub(crate) use decide::reverse_by_appeal;
pub use decide::{TakedownDecision, decide_notice};
pub use error::TakedownError;
pub use file::{NoticeInput, file_notice};
pub use finalize::finalize_due;
pub(crate) use finalize::settle;
pub use model::{EventParty, Notice, RightsType, TakedownStatus, TimelineEvent};
pub(crate) use model::{load_notice, record_event};
pub use transparency::{TakedownMonth, takedown_figures};
pub(crate) use view::party_of;
pub use view::{NoticeCase, get_case, list_mine, list_notices, owner_side};
