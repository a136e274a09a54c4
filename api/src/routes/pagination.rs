use domain::paging::PageRequest;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// Cursor paging: `limit` 1–100 (default 20); `cursor` is the `next_cursor` of the previous page.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        PageRequest::parse(self.limit, self.cursor.as_deref()).map_err(ApiError::validation)
    }
}
