//! Writing the template, the export and the error file.

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::columns::{COLUMNS, header_row};
use super::error::ImportError;
use super::model::RowError;

impl From<XlsxError> for ImportError {
    fn from(e: XlsxError) -> ImportError {
        ImportError::Write(e.to_string())
    }
}

fn header_refs(header: &[String]) -> Vec<&str> {
    header.iter().map(String::as_str).collect()
}

/// A CSV file with the template's header and `rows` (UTF-8 with BOM, formula cells neutralized).
pub fn catalog_csv(rows: Vec<Vec<String>>) -> Result<Vec<u8>, ImportError> {
    let header = header_row();
    Ok(crate::spreadsheet::csv_bytes(&header_refs(&header), rows)?)
}

/// An .xlsx workbook: a `products` sheet with the template's header and `rows` (every cell a
/// text cell, which spreadsheet programs never run as a formula), then a sheet that explains
/// the columns.
pub fn catalog_xlsx(rows: Vec<Vec<String>>) -> Result<Vec<u8>, ImportError> {
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("products")?;
    for (col, header) in header_row().iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
        sheet.set_column_width(col as u16, 18)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, col as u16, cell)?;
            }
        }
    }
    let help = book.add_worksheet();
    help.set_name("说明 instructions")?;
    help.write_string_with_format(0, 0, "列 column", &bold)?;
    help.write_string_with_format(0, 1, "说明 what it holds", &bold)?;
    help.set_column_width(0, 28)?;
    help.set_column_width(1, 110)?;
    for (r, column) in COLUMNS.iter().enumerate() {
        help.write_string(r as u32 + 1, 0, column.header())?;
        help.write_string(r as u32 + 1, 1, column.help())?;
    }
    Ok(book.save_to_buffer()?)
}

/// The error file of an import: one line per problem of a row.
pub fn errors_csv(errors: &[RowError]) -> Result<Vec<u8>, ImportError> {
    Ok(crate::spreadsheet::csv_bytes(
        &["row", "field", "code", "message"],
        errors.iter().map(|e| {
            vec![
                e.row.to_string(),
                e.field.clone(),
                e.code.clone(),
                e.message.clone(),
            ]
        }),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_import::read::{Format, read_sheet};

    #[test]
    fn an_xlsx_reads_back() {
        let mut row = vec![String::new(); COLUMNS.len()];
        row[0] = "SKU-1".into();
        row[1] = "=不是公式".into();
        let bytes = catalog_xlsx(vec![row]).unwrap();
        let sheet = read_sheet(Format::Xlsx, &bytes).unwrap();
        assert_eq!(sheet.columns, COLUMNS);
        assert_eq!(sheet.rows[0].cells[0], "SKU-1");
        assert_eq!(sheet.rows[0].cells[1], "=不是公式");
        assert_eq!(sheet.rows[0].number, 2);
    }

    #[test]
    fn a_csv_reads_back() {
        let mut row = vec![String::new(); COLUMNS.len()];
        row[0] = "SKU-1".into();
        row[1] = "-减价".into();
        let bytes = catalog_csv(vec![row.clone()]).unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("'-减价"));
        let sheet = read_sheet(Format::Csv, &bytes).unwrap();
        assert_eq!(sheet.rows[0].cells, row);
    }
}
