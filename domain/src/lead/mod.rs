//! The supplier's lead inbox (CRM): every inquiry thread and every quote becomes a lead of the
//! company, with a stage, tags, notes, the buyer's grade, an assignee and a follow-up date.
//!
//! Leads are opened and moved by the inquiry and quote services inside their own transactions
//! (`open_lead`, `advance_lead`); members work them through the services here.

mod hooks;
mod model;

pub use hooks::{advance_lead, open_lead};
pub use model::{BuyerGrade, Lead, LeadSource, LeadStage};
