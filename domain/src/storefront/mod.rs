//! Read models that combine areas: the public storefront (a company with its products, response
//! metrics, credit profile and ratings) and the response rate kept on each company for search
//! ranking. They sit above the areas they read, so `company` depends on none of them.

mod response_rate;
mod view;

pub use response_rate::refresh_response_rates;
pub use view::{STOREFRONT_RATINGS, Storefront, SupplierCard, storefront, supplier_card};
