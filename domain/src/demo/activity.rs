//! What makes the demo look lived-in: open buy requests (求购) of the demo buyer, sell offers of
//! a few suppliers, inquiries the suppliers answered, and the buyer's ratings of them. Written
//! through the ordinary services, like the rest of the demo data.

use rust_decimal::Decimal;

use super::DemoError;
use crate::access::Actor;
use crate::inquiry::{self, MessageInput, NewInquiry, SpamLimits, TargetInput};
use crate::listing::{self, ListingInput};
use crate::rating::{self, RatingInput};

/// Quotes a listing may collect (the server's default).
const MAX_QUOTES: i32 = 20;

struct BuyRequest {
    title: &'static str,
    description: &'static str,
    category: &'static str,
    quantity: i64,
    unit: &'static str,
    price_cents: i64,
    currency: &'static str,
    region: &'static str,
    incoterm: &'static str,
}

const BUY_REQUESTS: &[BuyRequest] = &[
    BuyRequest {
        title: "求购 304 不锈钢保温杯 500ml，带定制 logo",
        description: "年度采购，需提供 SGS 检测报告；首单 5000 只，可接受激光刻字或丝印。",
        category: "home-goods.drinkware",
        quantity: 5000,
        unit: "只",
        price_cents: 1850,
        currency: "CNY",
        region: "宁波港",
        incoterm: "FOB",
    },
    BuyRequest {
        title: "Looking for LED panel lights 600x600, 40W, CE/RoHS",
        description: "Office refurbishment project in Hamburg; 4000K, UGR<19, 5-year warranty.",
        category: "lighting.led-panel-lights",
        quantity: 2000,
        unit: "pieces",
        price_cents: 1150,
        currency: "USD",
        region: "Hamburg",
        incoterm: "CIF",
    },
    BuyRequest {
        title: "求购 12R22.5 全钢子午线卡车轮胎",
        description: "长期合作，要求 18 层级，三包服务；每月 300 条，发往乌鲁木齐。",
        category: "auto-parts.tires",
        quantity: 300,
        unit: "条",
        price_cents: 98000,
        currency: "CNY",
        region: "新疆乌鲁木齐",
        incoterm: "DAP",
    },
    BuyRequest {
        title: "Need cotton twill workwear fabric, 240 gsm, navy",
        description: "For uniform production; Oeko-Tex certificate required, samples first.",
        category: "textiles-apparel.fabrics",
        quantity: 20000,
        unit: "meters",
        price_cents: 210,
        currency: "USD",
        region: "Ho Chi Minh City",
        incoterm: "FOB",
    },
];

/// A demo supplier and one of its public products.
pub(super) struct Showcase {
    pub actor: Actor,
    pub product_id: uuid::Uuid,
    pub title: String,
    pub category: String,
}

/// Buy requests, sell offers, answered inquiries and ratings.
pub(super) fn load(
    conn: &mut crate::db::DbConnection,
    buyer: &Actor,
    suppliers: &[Showcase],
) -> Result<(), DemoError> {
    let categories = crate::catalog::list_categories(conn)
        .map_err(|e| DemoError::Catalog(crate::catalog::CatalogError::Database(e)))?;
    let known = |id: &str| {
        categories
            .iter()
            .any(|c| c.id == id || c.children.iter().any(|x| x.id == id))
    };
    let fallback = categories
        .first()
        .and_then(|c| c.children.first())
        .map(|c| c.id.clone())
        .unwrap_or_default();
    for r in BUY_REQUESTS {
        let category = if known(r.category) {
            r.category.to_owned()
        } else {
            fallback.clone()
        };
        listing::create_listing(
            conn,
            buyer,
            Some("buy"),
            ListingInput {
                title: Some(r.title.into()),
                description: Some(r.description.into()),
                category_id: Some(category),
                quantity: Some(r.quantity),
                unit: Some(r.unit.into()),
                target_price: Some(Decimal::new(r.price_cents, 2)),
                currency: Some(r.currency.into()),
                delivery_region: Some(r.region.into()),
                incoterm: Some(r.incoterm.into()),
                valid_until: Some(crate::clock::now() + time::Duration::days(60)),
                attachments: None,
            },
            MAX_QUOTES,
            true,
        )?;
    }
    // Sell offers: the first three suppliers offer stock of their first product.
    for s in suppliers.iter().take(3) {
        listing::create_listing(
            conn,
            &s.actor,
            Some("sell"),
            ListingInput {
                title: Some(format!("现货供应 {}", s.title)),
                description: Some("工厂现货，7 天内发货，支持验厂与样品。".into()),
                category_id: Some(s.category.clone()),
                quantity: Some(1000),
                unit: Some("件".into()),
                target_price: None,
                currency: None,
                delivery_region: Some("中国".into()),
                incoterm: Some("EXW".into()),
                valid_until: Some(crate::clock::now() + time::Duration::days(60)),
                attachments: None,
            },
            MAX_QUOTES,
            true,
        )?;
    }
    // Inquiries to five suppliers, answered, and rated by the buyer.
    for (i, s) in suppliers.iter().take(5).enumerate() {
        let created = inquiry::create_inquiries(
            conn,
            buyer,
            NewInquiry {
                subject: format!("询盘: {}", s.title),
                message: "请报 1000 件的 FOB 价格和交期，谢谢。Please quote FOB for 1,000 units."
                    .into(),
                quantity: Some(1000),
                unit: Some("件".into()),
                attachments: Vec::new(),
                targets: vec![TargetInput {
                    kind: "product".into(),
                    id: s.product_id.to_string(),
                }],
                share_email: i % 2 == 0,
            },
            &SpamLimits::default(),
        )?;
        for thread in created.threads {
            let id = thread.inquiry.id;
            inquiry::post_message(
                conn,
                &s.actor,
                id,
                MessageInput {
                    body: "您好，1000 件 FOB 宁波报价见附表，交期 25 天。Thanks for your inquiry."
                        .into(),
                    attachments: Vec::new(),
                },
            )?;
            rating::rate_inquiry(
                conn,
                buyer,
                id,
                RatingInput {
                    stars: 4 + (i % 2) as i32,
                    comment: Some("回复及时，报价清楚。Quick and clear answer.".into()),
                },
            )?;
        }
    }
    Ok(())
}
