//! The template's columns: one per product field, named in the header by its key (`sku`), its
//! Chinese name (`货号`) or both as the template writes them (`货号 (sku)`).

/// A column of the import template (and of the export, which uses the same header so an export
/// imports again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Sku,
    TitleZh,
    TitleEn,
    CategoryId,
    Unit,
    Moq,
    PriceOnRequest,
    Currency,
    PriceTiers,
    LeadTimeDays,
    PlaceOfOrigin,
    Keywords,
    Attributes,
    Images,
    Description,
}

/// Every column, in template order.
pub const COLUMNS: [Column; 15] = [
    Column::Sku,
    Column::TitleZh,
    Column::TitleEn,
    Column::CategoryId,
    Column::Unit,
    Column::Moq,
    Column::PriceOnRequest,
    Column::Currency,
    Column::PriceTiers,
    Column::LeadTimeDays,
    Column::PlaceOfOrigin,
    Column::Keywords,
    Column::Attributes,
    Column::Images,
    Column::Description,
];

impl Column {
    /// The English key: the product field's name in the API.
    pub fn key(self) -> &'static str {
        match self {
            Column::Sku => "sku",
            Column::TitleZh => "title_zh",
            Column::TitleEn => "title_en",
            Column::CategoryId => "category_id",
            Column::Unit => "unit",
            Column::Moq => "moq",
            Column::PriceOnRequest => "price_on_request",
            Column::Currency => "currency",
            Column::PriceTiers => "price_tiers",
            Column::LeadTimeDays => "lead_time_days",
            Column::PlaceOfOrigin => "place_of_origin",
            Column::Keywords => "keywords",
            Column::Attributes => "attributes",
            Column::Images => "images",
            Column::Description => "description",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Column::Sku => "货号",
            Column::TitleZh => "中文标题",
            Column::TitleEn => "英文标题",
            Column::CategoryId => "类目",
            Column::Unit => "单位",
            Column::Moq => "起订量",
            Column::PriceOnRequest => "价格面议",
            Column::Currency => "币种",
            Column::PriceTiers => "阶梯价格",
            Column::LeadTimeDays => "交货期天数",
            Column::PlaceOfOrigin => "产地",
            Column::Keywords => "关键词",
            Column::Attributes => "属性",
            Column::Images => "图片",
            Column::Description => "描述",
        }
    }

    /// What the column holds (the template's instructions sheet and docs/catalog-import.md).
    pub fn help(self) -> &'static str {
        match self {
            Column::Sku => {
                "Your own product code, unique in your catalog; a row whose SKU matches a product updates it (required column) / 您自己的货号，目录内唯一；货号相同则更新该产品"
            }
            Column::TitleZh => {
                "Chinese title, up to 200 characters (a Chinese or an English title is required) / 中文标题"
            }
            Column::TitleEn => "English title, up to 200 characters / 英文标题",
            Column::CategoryId => {
                "Second-level category id from /api/v1/categories, e.g. home-goods.drinkware / 二级类目编号"
            }
            Column::Unit => "Unit of sale, e.g. piece / 计量单位",
            Column::Moq => "Minimum order quantity, a whole number (default 1) / 最小起订量",
            Column::PriceOnRequest => {
                "true or false (是/否); true needs no price tiers / 是否价格面议"
            }
            Column::Currency => {
                "ISO 4217 code such as CNY or USD, required with price tiers / 币种"
            }
            Column::PriceTiers => {
                "Up to 5 tiers min_quantity:unit_price separated by ; e.g. 10:49.90; 100:45.00 / 阶梯价格"
            }
            Column::LeadTimeDays => "Days from order to shipment, 0-365 / 交货期（天）",
            Column::PlaceOfOrigin => "Place of origin / 产地",
            Column::Keywords => "Up to 10 keywords separated by ; / 关键词，用分号分隔",
            Column::Attributes => {
                "Up to 30 name=value pairs separated by ; e.g. 材质=304不锈钢 / 产品属性"
            }
            Column::Images => {
                "Up to 10 media ids from POST /api/v1/media (purpose product_image) separated by ; the first is the cover / 图片（已上传的媒体编号）"
            }
            Column::Description => "Description, rich text (sanitized HTML) / 产品描述",
        }
    }

    /// The header cell the template and the export write.
    pub fn header(self) -> String {
        format!("{} ({})", self.zh(), self.key())
    }

    /// The column a header cell names, whichever of its three forms it uses (case and spaces
    /// around the names do not matter).
    pub fn from_header(cell: &str) -> Option<Column> {
        let cell = cell.trim();
        let (first, inner) = match cell.strip_suffix(')').and_then(|c| c.rsplit_once('(')) {
            Some((zh, key)) => (zh.trim(), Some(key.trim())),
            None => (cell, None),
        };
        COLUMNS.into_iter().find(|c| match inner {
            Some(key) => key.eq_ignore_ascii_case(c.key()) && (first.is_empty() || first == c.zh()),
            None => first.eq_ignore_ascii_case(c.key()) || first == c.zh(),
        })
    }
}

/// The header row of the template and of the export.
pub fn header_row() -> Vec<String> {
    COLUMNS.iter().map(|c| c.header()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_form_names_its_column() {
        for c in COLUMNS {
            assert_eq!(Column::from_header(&c.header()), Some(c));
            assert_eq!(Column::from_header(c.key()), Some(c));
            assert_eq!(Column::from_header(&c.key().to_uppercase()), Some(c));
            assert_eq!(Column::from_header(&format!(" {} ", c.zh())), Some(c));
        }
        assert_eq!(Column::from_header("price"), None);
        assert_eq!(Column::from_header("类目 (sku)"), None);
    }
}
