//! The supplier's lead inbox (CRM): every inquiry thread and every quote becomes a lead of the
//! company, with a stage, tags, notes, the buyer's grade, an assignee and a follow-up date.
//!
//! Leads are opened and moved by the inquiry and quote services inside their own transactions
//! (`open_lead`, `advance_lead`); members work them through the services here.

mod error;
mod events;
mod export;
mod filter;
mod hooks;
mod input;
mod model;
mod repo;
mod service;

pub use error::LeadError;
pub use export::{MAX_EXPORT_ROWS, export_leads_csv};
pub use filter::{LeadFilter, LeadFilterInput};
pub use hooks::{advance_lead, assign_lead, open_lead};
pub use input::{LeadPatch, MAX_NOTE_CHARS, MAX_TAG_CHARS, MAX_TAGS};
pub use model::{BuyerGrade, Lead, LeadSource, LeadStage};
pub use repo::{LeadNote, LeadSummary};
pub use service::{add_note, get_lead, list_leads, update_lead};
