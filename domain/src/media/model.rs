use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use uuid::Uuid;

use crate::db::schema::media;
use crate::ids::parse_db_id;

/// What an upload is for; it decides the accepted types and the size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    ProductImage,
    CompanyLogo,
    CompanyBanner,
    LicenceScan,
    Attachment,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [
        Purpose::ProductImage,
        Purpose::CompanyLogo,
        Purpose::CompanyBanner,
        Purpose::LicenceScan,
        Purpose::Attachment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::ProductImage => "product_image",
            Purpose::CompanyLogo => "company_logo",
            Purpose::CompanyBanner => "company_banner",
            Purpose::LicenceScan => "licence_scan",
            Purpose::Attachment => "attachment",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Licence scans and attachments may be PDF; the others are pictures only.
    pub fn accepts_pdf(self) -> bool {
        matches!(self, Purpose::LicenceScan | Purpose::Attachment)
    }

    /// Private media are served only to those who may read what they are attached to, as
    /// downloads, never cached publicly.
    pub fn is_private(self) -> bool {
        self.accepts_pdf()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Pdf,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> MediaKind {
        if s == "pdf" {
            MediaKind::Pdf
        } else {
            MediaKind::Image
        }
    }
}

/// The stored forms of one upload: images get three re-encoded sizes, a PDF is kept as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariantName {
    Thumbnail,
    Medium,
    Original,
}

impl VariantName {
    pub const ALL: [VariantName; 3] = [
        VariantName::Thumbnail,
        VariantName::Medium,
        VariantName::Original,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VariantName::Thumbnail => "thumbnail",
            VariantName::Medium => "medium",
            VariantName::Original => "original",
        }
    }

    pub fn parse(s: &str) -> Option<VariantName> {
        VariantName::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub name: VariantName,
    pub content_type: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size_bytes: i64,
}

#[derive(Debug, Clone)]
pub struct Media {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub purpose: Purpose,
    pub kind: MediaKind,
    /// The type detected from the content (`image/jpeg`, `application/pdf`, …).
    pub source_type: String,
    /// SHA-256 of the uploaded bytes, lowercase hex: the key of the stored variants.
    pub sha256: String,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub variants: Vec<Variant>,
    pub created_at: PrimitiveDateTime,
}

impl Media {
    pub fn variant(&self, name: VariantName) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }
}

/// What the upload handler learned from the file, to record.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub owner_id: Uuid,
    pub purpose: Purpose,
    pub kind: MediaKind,
    pub source_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = media)]
pub(crate) struct MediaRow {
    pub id: String,
    pub owner_id: String,
    pub purpose: String,
    pub kind: String,
    pub source_type: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub variants: String,
    pub created_at: PrimitiveDateTime,
}

impl From<MediaRow> for Media {
    fn from(r: MediaRow) -> Media {
        Media {
            id: parse_db_id(&r.id),
            owner_id: parse_db_id(&r.owner_id),
            purpose: Purpose::parse(&r.purpose).unwrap_or(Purpose::Attachment),
            kind: MediaKind::parse(&r.kind),
            source_type: r.source_type,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            width: r.width,
            height: r.height,
            variants: serde_json::from_str(&r.variants).unwrap_or_default(),
            created_at: r.created_at,
        }
    }
}
