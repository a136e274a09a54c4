//! The product catalog: categories and products with their review flow.

mod batch;
mod category;
mod change;
mod error;
mod input;
mod model;
mod money;
mod public_index;
mod repo;
mod reviewable;
mod search_view;
mod service;
mod status;

pub use batch::WriteBatch;
pub(crate) use category::leaf_category_problem;
pub use category::{CategoryNode, category_exists, list_categories};
pub use change::ProductEdit;
pub use error::CatalogError;
pub use input::{PriceTierInput, ProductInput};
pub use model::{Attribute, PriceTier, Product, ProductStatus};
pub(crate) use money::currency_exponent;
pub use money::{currency_codes, format_minor, is_currency, to_minor_units};
pub use public_index::{
    PublicProductRef, product_deleted, public_product_file_starts, public_products_after,
};
pub use repo::{
    all_live_products_of_company, count_public_products, product_id_by_sku,
    public_products_of_company,
};
pub(crate) use reviewable::ProductReview;
pub use search_view::{
    ProductSearchDoc, company_of_product, company_search_doc, product_ids_of_company,
    product_search_doc, product_search_docs, public_company_ids_after, public_product_ids_after,
};
pub(crate) use service::company_for_write;
pub use service::{
    create_product, create_product_in, delete_product, get_product, get_public_product,
    list_company_products, update_product, update_product_in,
};
pub use status::{ProductAction, change_product_status};
