//! One row of the file as product input, and one product as a row (the export): the two are
//! inverse, so an exported file imports again unchanged.
//!
//! Cells hold the API's fields as text. Lists are separated by `;` (or the full-width `；`):
//! keywords and image media ids as they are, attributes as `name=value`, price tiers as
//! `min_quantity:unit_price` (`10:49.90; 100:45.00`). A blank cell clears an optional field
//! and keeps a required one (`category_id`, `unit`, `moq`, …) on update.

use rust_decimal::Decimal;

use super::columns::Column;
use super::read::SheetRow;
use crate::catalog::{Attribute, PriceTierInput, Product, ProductInput, format_minor};
use crate::error::FieldError;

fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A row's product input and its SKU; the problems of cells that are not even of their
/// field's type (the product rules then check the rest).
pub fn row_input(
    columns: &[Column],
    row: &SheetRow,
) -> Result<(Option<String>, ProductInput), Vec<FieldError>> {
    let mut problems = Vec::new();
    let cell = |c: Column| row.cell(columns, c);
    let text = |c: Column| cell(c).map(str::to_owned);
    let required = |c: Column| cell(c).filter(|s| !s.is_empty()).map(str::to_owned);
    let whole = |c: Column, problems: &mut Vec<FieldError>| -> Option<i64> {
        let s = cell(c).filter(|s| !s.is_empty())?;
        match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(FieldError::new(
                    c.key(),
                    "invalid_type",
                    "must be a whole number",
                ));
                None
            }
        }
    };
    let moq = whole(Column::Moq, &mut problems);
    let lead_time_days = whole(Column::LeadTimeDays, &mut problems)
        .map(|d| i32::try_from(d).unwrap_or(if d < 0 { i32::MIN } else { i32::MAX }));
    let price_on_request = match cell(Column::PriceOnRequest)
        .map(str::to_lowercase)
        .as_deref()
    {
        None | Some("") => None,
        Some("true" | "yes" | "y" | "1" | "是") => Some(true),
        Some("false" | "no" | "n" | "0" | "否") => Some(false),
        Some(_) => {
            problems.push(FieldError::new(
                Column::PriceOnRequest.key(),
                "invalid_choice",
                "must be true or false (是 or 否)",
            ));
            None
        }
    };
    let price_tiers = cell(Column::PriceTiers).map(|s| {
        split_list(s)
            .iter()
            .enumerate()
            .filter_map(|(i, tier)| {
                let parsed = tier.split_once(':').and_then(|(q, p)| {
                    Some(PriceTierInput {
                        min_quantity: q.trim().parse().ok()?,
                        unit_price: p.trim().parse::<Decimal>().ok()?,
                    })
                });
                if parsed.is_none() {
                    problems.push(FieldError::new(
                        format!("price_tiers[{i}]"),
                        "invalid_format",
                        "write each tier as min_quantity:unit_price, such as 100:45.00",
                    ));
                }
                parsed
            })
            .collect()
    });
    let attributes = cell(Column::Attributes).map(|s| {
        split_list(s)
            .iter()
            .enumerate()
            .filter_map(|(i, pair)| {
                let parsed = pair.split_once('=').map(|(name, value)| Attribute {
                    name: name.trim().to_owned(),
                    value: value.trim().to_owned(),
                });
                if parsed.is_none() {
                    problems.push(FieldError::new(
                        format!("attributes[{i}]"),
                        "invalid_format",
                        "write each attribute as name=value, such as 材质=304不锈钢",
                    ));
                }
                parsed
            })
            .collect()
    });
    let input = ProductInput {
        title_zh: text(Column::TitleZh),
        title_en: text(Column::TitleEn),
        description: text(Column::Description),
        category_id: required(Column::CategoryId),
        attributes,
        images: cell(Column::Images).map(split_list),
        unit: required(Column::Unit),
        moq,
        price_on_request,
        currency: text(Column::Currency),
        price_tiers,
        lead_time_days,
        place_of_origin: text(Column::PlaceOfOrigin),
        keywords: cell(Column::Keywords).map(split_list),
        sku: text(Column::Sku),
    };
    if problems.is_empty() {
        Ok((required(Column::Sku), input))
    } else {
        Err(problems)
    }
}

/// A product's cells, in the order of `columns::COLUMNS`.
pub fn product_cells(p: &Product) -> Vec<String> {
    let currency = p.currency.clone().unwrap_or_default();
    super::columns::COLUMNS
        .iter()
        .map(|c| match c {
            Column::Sku => p.sku.clone().unwrap_or_default(),
            Column::TitleZh => p.title_zh.clone().unwrap_or_default(),
            Column::TitleEn => p.title_en.clone().unwrap_or_default(),
            Column::CategoryId => p.category_id.clone(),
            Column::Unit => p.unit.clone(),
            Column::Moq => p.moq.to_string(),
            Column::PriceOnRequest => p.price_on_request.to_string(),
            Column::Currency => currency.clone(),
            Column::PriceTiers => p
                .price_tiers
                .iter()
                .map(|t| {
                    format!(
                        "{}:{}",
                        t.min_quantity,
                        format_minor(t.unit_price_minor, &currency)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            Column::LeadTimeDays => p.lead_time_days.map(|d| d.to_string()).unwrap_or_default(),
            Column::PlaceOfOrigin => p.place_of_origin.clone().unwrap_or_default(),
            Column::Keywords => p.keywords.join("; "),
            Column::Attributes => p
                .attributes
                .iter()
                .map(|a| format!("{}={}", a.name, a.value))
                .collect::<Vec<_>>()
                .join("; "),
            Column::Images => p.images.join("; "),
            Column::Description => p.description.clone(),
        })
        .collect()
}
