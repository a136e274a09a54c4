//! Reports: any signed-in account reports a product, listing, company or message; operators
//! resolve them (upheld or dismissed, with a note); the public transparency figures count them.

mod error;
mod model;
mod reviewable;
mod service;
mod transparency;

pub use error::ReportError;
pub use model::{Report, ReportReason, ReportStatus, ReportSubject};
pub(crate) use reviewable::ReportReview;
pub use service::{
    ReportInput, file_report, list_my_reports, list_reports, resolve_report, resolve_report_with,
};
pub use transparency::{MonthFigures, median_hours, transparency};
