DROP TABLE catalog_import_errors;
DROP TABLE catalog_imports;
DROP INDEX products_sku_key;
ALTER TABLE products DROP COLUMN sku;
