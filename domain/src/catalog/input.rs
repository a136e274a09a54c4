//! Product input: one shape for create (required fields enforced) and patch.

use rust_decimal::Decimal;

use super::model::{Attribute, PriceTier, Product};
use super::money::{currency_exponent, to_minor_units};
use crate::error::FieldError;
use crate::validate::Validator;

#[derive(Debug, Clone)]
pub struct PriceTierInput {
    pub min_quantity: i64,
    pub unit_price: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<String>,
    pub attributes: Option<Vec<Attribute>>,
    pub images: Option<Vec<String>>,
    pub unit: Option<String>,
    pub moq: Option<i64>,
    pub price_on_request: Option<bool>,
    pub currency: Option<String>,
    pub price_tiers: Option<Vec<PriceTierInput>>,
    pub lead_time_days: Option<i32>,
    pub place_of_origin: Option<String>,
    pub keywords: Option<Vec<String>>,
    /// The company's own code; blank clears it.
    pub sku: Option<String>,
}

/// Also the stored form of a change request's proposal (`catalog::change`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ValidProduct {
    pub title_zh: Option<String>,
    pub title_en: Option<String>,
    pub description: String,
    pub category_id: String,
    pub attributes: Vec<Attribute>,
    pub images: Vec<String>,
    pub unit: String,
    pub moq: i64,
    pub price_on_request: bool,
    pub currency: Option<String>,
    pub price_tiers: Vec<PriceTier>,
    pub lead_time_days: Option<i32>,
    pub place_of_origin: Option<String>,
    pub keywords: Vec<String>,
    /// Not part of a change request's proposal: the SKU is the company's internal code, shown
    /// only to its members and operators, so it is written at once (`catalog::service`) and
    /// `fill_row` leaves it.
    #[serde(skip)]
    pub sku: Option<String>,
}

/// The longest SKU code.
pub const SKU_MAX_CHARS: usize = 64;

impl ValidProduct {
    pub fn price_range(&self) -> (Option<i64>, Option<i64>) {
        let prices = self.price_tiers.iter().map(|t| t.unit_price_minor);
        (prices.clone().min(), prices.max())
    }
}

impl ProductInput {
    /// Validates against the current product (`None` on create). The category's existence is
    /// checked by the service, which has the connection.
    pub(crate) fn validate(self, old: Option<&Product>) -> Result<ValidProduct, Vec<FieldError>> {
        let mut v = Validator::new();
        let title_zh = v.text_or_keep(
            "title_zh",
            self.title_zh.as_deref(),
            old.and_then(|p| p.title_zh.as_ref()),
            200,
        );
        let title_en = v.text_or_keep(
            "title_en",
            self.title_en.as_deref(),
            old.and_then(|p| p.title_en.as_ref()),
            200,
        );
        if title_zh.is_none() && title_en.is_none() {
            v.push(
                "title_zh",
                "required",
                "a Chinese or an English title is required",
            );
            v.push(
                "title_en",
                "required",
                "a Chinese or an English title is required",
            );
        }
        let description = match self.description {
            Some(d) => v.html("description", &d, 50_000),
            None => old.map(|p| p.description.clone()).unwrap_or_default(),
        };
        let category_id = match (self.category_id, old) {
            (Some(c), _) => c.trim().to_owned(),
            (None, Some(p)) => p.category_id.clone(),
            (None, None) => {
                v.push("category_id", "required", "is required");
                String::new()
            }
        };
        let attributes = match self.attributes {
            Some(items) => {
                v.check(
                    items.len() <= 30,
                    "attributes",
                    "too_many",
                    "at most 30 attributes",
                );
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| Attribute {
                        name: v.text(&format!("attributes[{i}].name"), &a.name, 1, 50),
                        value: v.text(&format!("attributes[{i}].value"), &a.value, 1, 200),
                    })
                    .collect()
            }
            None => old.map(|p| p.attributes.clone()).unwrap_or_default(),
        };
        let images = match self.images {
            Some(items) => {
                v.check(items.len() <= 10, "images", "too_many", "at most 10 images");
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, id)| {
                        // Media ids (`POST /api/v1/media`, purpose `product_image`); the first
                        // is the cover. Whose they are is checked where they are attached.
                        let id = id.trim().to_ascii_lowercase();
                        v.check(
                            uuid::Uuid::parse_str(&id).is_ok(),
                            &format!("images[{i}]"),
                            "invalid",
                            "is not a media id",
                        );
                        id
                    })
                    .collect()
            }
            None => old.map(|p| p.images.clone()).unwrap_or_default(),
        };
        let unit = match (self.unit.as_deref(), old) {
            (Some(u), _) => v.text("unit", u, 1, 20),
            (None, Some(p)) => p.unit.clone(),
            (None, None) => {
                v.push("unit", "required", "is required");
                String::new()
            }
        };
        let moq = match (self.moq, old) {
            (Some(m), _) => {
                v.check(
                    (1..=1_000_000_000).contains(&m),
                    "moq",
                    "out_of_range",
                    "must be between 1 and 1000000000",
                );
                m
            }
            (None, Some(p)) => p.moq,
            (None, None) => 1,
        };
        let price_on_request = self
            .price_on_request
            .or(old.map(|p| p.price_on_request))
            .unwrap_or(false);
        let currency = match self.currency.as_deref() {
            Some("") => None,
            Some(c) => Some(c.trim().to_uppercase()),
            None => old.and_then(|p| p.currency.clone()),
        };
        if let Some(c) = &currency {
            v.check(
                currency_exponent(c).is_some(),
                "currency",
                "invalid_currency",
                "must be an ISO 4217 currency code such as CNY or USD",
            );
        }
        let price_tiers = match self.price_tiers {
            Some(tiers) => {
                v.check(
                    tiers.len() <= 5,
                    "price_tiers",
                    "too_many",
                    "at most 5 price tiers",
                );
                let mut out = Vec::with_capacity(tiers.len());
                for (i, tier) in tiers.into_iter().enumerate() {
                    if tier.min_quantity < 1 || tier.min_quantity > 1_000_000_000 {
                        v.push(
                            format!("price_tiers[{i}].min_quantity"),
                            "out_of_range",
                            "must be between 1 and 1000000000",
                        );
                    }
                    if let Some(prev) = out.last().map(|t: &PriceTier| t.min_quantity)
                        && tier.min_quantity <= prev
                    {
                        v.push(
                            format!("price_tiers[{i}].min_quantity"),
                            "not_ascending",
                            "tiers must have strictly increasing minimum quantities",
                        );
                    }
                    let minor = match currency.as_deref() {
                        Some(c) if currency_exponent(c).is_some() => {
                            match to_minor_units(tier.unit_price, c) {
                                Ok(m) => m,
                                Err(code) => {
                                    v.push(format!("price_tiers[{i}].unit_price"), code, "must be a positive amount with no more decimals than the currency has");
                                    0
                                }
                            }
                        }
                        _ => 0,
                    };
                    out.push(PriceTier {
                        min_quantity: tier.min_quantity,
                        unit_price_minor: minor,
                    });
                }
                out
            }
            None => old.map(|p| p.price_tiers.clone()).unwrap_or_default(),
        };
        if price_on_request {
            v.check(
                price_tiers.is_empty(),
                "price_tiers",
                "not_allowed",
                "must be empty when price_on_request is true",
            );
        } else {
            v.check(
                !price_tiers.is_empty(),
                "price_tiers",
                "required",
                "give at least one price tier or set price_on_request",
            );
            v.check(
                currency.is_some(),
                "currency",
                "required",
                "is required with price tiers",
            );
        }
        let lead_time_days = match self.lead_time_days {
            Some(d) => {
                v.check(
                    (0..=365).contains(&d),
                    "lead_time_days",
                    "out_of_range",
                    "must be between 0 and 365",
                );
                Some(d)
            }
            None => old.and_then(|p| p.lead_time_days),
        };
        let place_of_origin = v.text_or_keep(
            "place_of_origin",
            self.place_of_origin.as_deref(),
            old.and_then(|p| p.place_of_origin.as_ref()),
            100,
        );
        let keywords = match self.keywords {
            Some(items) => {
                v.check(
                    items.len() <= 10,
                    "keywords",
                    "too_many",
                    "at most 10 keywords",
                );
                let mut out: Vec<String> = Vec::new();
                for (i, k) in items.iter().enumerate() {
                    let k = v.text(&format!("keywords[{i}]"), k, 1, 50);
                    if !out.contains(&k) {
                        out.push(k);
                    }
                }
                out
            }
            None => old.map(|p| p.keywords.clone()).unwrap_or_default(),
        };
        let sku = v.text_or_keep(
            "sku",
            self.sku.as_deref(),
            old.and_then(|p| p.sku.as_ref()),
            SKU_MAX_CHARS,
        );
        v.finish()?;
        Ok(ValidProduct {
            title_zh,
            title_en,
            description,
            category_id,
            attributes,
            images,
            unit,
            moq,
            price_on_request,
            currency: if price_on_request { None } else { currency },
            price_tiers,
            lead_time_days,
            place_of_origin,
            keywords,
            sku,
        })
    }
}
