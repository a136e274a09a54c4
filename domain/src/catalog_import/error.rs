use crate::catalog::CatalogError;
use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The product rules' own refusals (who may write the company's products, a suspended
    /// company), answered as the product routes answer them.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("import not found")]
    NotFound,
    #[error("the file could not be read as {format}: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    #[error("the header names no known column: \"{0}\" (see the import template)")]
    UnknownColumn(String),
    #[error("the header names the column {0} twice")]
    DuplicateColumn(&'static str),
    #[error("the header lacks the required column {0}")]
    MissingColumn(&'static str),
    #[error("the file has no product rows")]
    NoRows,
    #[error("the file has more than {max} product rows, the most one import takes")]
    TooManyRows { max: usize },
    #[error("an import of this company is still running")]
    InProgress,
    /// Writing an export or an error file.
    #[error("cannot write the file: {0}")]
    Write(String),
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl From<csv::Error> for ImportError {
    fn from(e: csv::Error) -> ImportError {
        ImportError::Write(e.to_string())
    }
}

impl DomainError for ImportError {
    fn kind(&self) -> ErrorKind {
        match self {
            ImportError::Catalog(e) => e.kind(),
            ImportError::NotFound => ErrorKind::NotFound,
            ImportError::Unreadable { .. }
            | ImportError::UnknownColumn(_)
            | ImportError::DuplicateColumn(_)
            | ImportError::MissingColumn(_)
            | ImportError::NoRows
            | ImportError::TooManyRows { .. } => ErrorKind::Validation,
            ImportError::InProgress => ErrorKind::Conflict,
            ImportError::Write(_) | ImportError::Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ImportError::Catalog(e) => e.code(),
            ImportError::NotFound => "catalog_import_not_found",
            ImportError::Unreadable { .. } => "unreadable_file",
            ImportError::UnknownColumn(_) => "unknown_column",
            ImportError::DuplicateColumn(_) => "duplicate_column",
            ImportError::MissingColumn(_) => "missing_column",
            ImportError::NoRows => "no_rows",
            ImportError::TooManyRows { .. } => "too_many_rows",
            ImportError::InProgress => "import_in_progress",
            ImportError::Write(_) | ImportError::Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            ImportError::Catalog(e) => e.fields(),
            _ => &[],
        }
    }
}
