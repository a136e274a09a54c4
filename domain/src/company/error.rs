use crate::error::{DomainError, ErrorKind, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum CompanyError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("the text contains content not allowed on the platform")]
    Blocked(Vec<FieldError>),
    #[error("company not found")]
    NotFound,
    #[error("you may not do this for this company")]
    Forbidden,
    #[error("only supplier accounts can create a company")]
    NotASupplier,
    #[error("this storefront address is already taken")]
    SlugTaken,
    #[error("a company with this unified social credit code already exists")]
    CreditCodeTaken,
    #[error("the account already belongs to a company")]
    AlreadyInCompany,
    #[error("no account with this e-mail address")]
    AccountNotFound,
    #[error("only supplier accounts can be company members")]
    NotASupplierAccount,
    #[error("this account is not a member of the company")]
    MemberNotFound,
    #[error("a company must keep at least one owner")]
    LastOwner,
    #[error("cannot {action} a company that is {status}")]
    InvalidTransition {
        action: &'static str,
        status: &'static str,
    },
    #[error("database error")]
    Database(#[from] diesel::result::Error),
}

impl DomainError for CompanyError {
    fn kind(&self) -> ErrorKind {
        use CompanyError::*;
        match self {
            Validation(_) | Blocked(_) => ErrorKind::Validation,
            NotFound | AccountNotFound | MemberNotFound => ErrorKind::NotFound,
            Forbidden | NotASupplier => ErrorKind::Forbidden,
            SlugTaken | CreditCodeTaken | AlreadyInCompany | LastOwner => ErrorKind::Conflict,
            NotASupplierAccount => ErrorKind::Validation,
            InvalidTransition { .. } => ErrorKind::InvalidState,
            Database(_) => ErrorKind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use CompanyError::*;
        match self {
            Validation(_) => "validation_failed",
            Blocked(_) => "content_blocked",
            NotFound => "company_not_found",
            Forbidden => "forbidden",
            NotASupplier => "not_a_supplier",
            SlugTaken => "slug_taken",
            CreditCodeTaken => "credit_code_taken",
            AlreadyInCompany => "already_in_company",
            AccountNotFound => "account_not_found",
            NotASupplierAccount => "not_a_supplier_account",
            MemberNotFound => "member_not_found",
            LastOwner => "last_owner",
            InvalidTransition { .. } => "invalid_state",
            Database(_) => "internal",
        }
    }

    fn fields(&self) -> &[FieldError] {
        match self {
            CompanyError::Validation(f) | CompanyError::Blocked(f) => f,
            _ => &[],
        }
    }
}
