//! Reading an uploaded file (CSV or .xlsx) into its header and rows of text cells.

use std::io::Cursor;

use super::columns::Column;
use super::error::ImportError;
use crate::spreadsheet::{UTF8_BOM, unneutralize};

/// At most this many product rows per file.
pub const MAX_ROWS: usize = 10_000;

/// The kinds of file an import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// A product row: its number as a spreadsheet program shows it (the header is row 1) and its
/// cells, in the order of `Sheet::columns`.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub number: i32,
    pub cells: Vec<String>,
}

/// A file read: the column of each header cell, and the rows that have any content.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub columns: Vec<Column>,
    pub rows: Vec<SheetRow>,
}

impl SheetRow {
    /// The row's text for `column`, if the file has that column.
    pub fn cell<'a>(&'a self, columns: &[Column], column: Column) -> Option<&'a str> {
        let at = columns.iter().position(|c| *c == column)?;
        Some(self.cells.get(at).map_or("", |c| c.trim()))
    }
}

/// Reads a whole file: checks the header (every cell a known column, none twice, `sku`
/// present) and the row count.
pub fn read_sheet(format: Format, content: &[u8]) -> Result<Sheet, ImportError> {
    let raw = match format {
        Format::Csv => csv_rows(content)?,
        Format::Xlsx => xlsx_rows(content)?,
    };
    let mut raw = raw.into_iter();
    let Some((_, header)) = raw.next() else {
        return Err(ImportError::NoRows);
    };
    let columns = header_columns(&header)?;
    let rows: Vec<SheetRow> = raw
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(number, cells)| SheetRow {
            number,
            cells: cells
                .into_iter()
                .take(columns.len())
                .map(|c| unneutralize(&c).to_owned())
                .collect(),
        })
        .collect();
    if rows.is_empty() {
        return Err(ImportError::NoRows);
    }
    if rows.len() > MAX_ROWS {
        return Err(ImportError::TooManyRows { max: MAX_ROWS });
    }
    Ok(Sheet { columns, rows })
}

fn header_columns(header: &[String]) -> Result<Vec<Column>, ImportError> {
    // Trailing blank header cells (a spreadsheet's formatted but empty columns) are ignored.
    let used = header
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut columns = Vec::with_capacity(used);
    for cell in &header[..used] {
        let column = Column::from_header(unneutralize(cell))
            .ok_or_else(|| ImportError::UnknownColumn(cell.trim().to_owned()))?;
        if columns.contains(&column) {
            return Err(ImportError::DuplicateColumn(column.key()));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Sku) {
        return Err(ImportError::MissingColumn(Column::Sku.key()));
    }
    Ok(columns)
}

fn unreadable(format: Format, reason: impl ToString) -> ImportError {
    ImportError::Unreadable {
        format: format.as_str(),
        reason: reason.to_string(),
    }
}

/// Numbered records of a CSV file (UTF-8, a byte-order mark allowed).
fn csv_rows(content: &[u8]) -> Result<Vec<(i32, Vec<String>)>, ImportError> {
    let content = content.strip_prefix(UTF8_BOM.as_bytes()).unwrap_or(content);
    if std::str::from_utf8(content).is_err() {
        return Err(unreadable(Format::Csv, "the file is not UTF-8 text"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(content);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(Format::Csv, e))?;
        if i > MAX_ROWS + 1 {
            // Enough to know the file is over the limit without reading the rest.
            rows.push((i as i32 + 1, vec!["…".to_owned()]));
            break;
        }
        rows.push((i as i32 + 1, record.iter().map(str::to_owned).collect()));
    }
    Ok(rows)
}

/// Numbered rows of the first worksheet of an .xlsx file.
fn xlsx_rows(content: &[u8]) -> Result<Vec<(i32, Vec<String>)>, ImportError> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(content)).map_err(|e| unreadable(Format::Xlsx, e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(Format::Xlsx, "the workbook has no worksheet"))?
        .map_err(|e| unreadable(Format::Xlsx, e))?;
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            // Columns left of the used range are empty cells of the sheet.
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            (
                i32::try_from(first_row as usize + i + 1).unwrap_or(i32::MAX),
                cells,
            )
        })
        .collect())
}

/// A cell as the text a person typed: whole numbers without a fraction (Excel stores every
/// number as a float).
fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Empty => String::new(),
        calamine::Data::String(s) => s.clone(),
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_every_header_form() {
        let file =
            "\u{feff}货号 (sku),title_en,单位\r\nA-1,Cup,piece\r\n,,\r\nA-2,\"Mug, big\",box\r\n";
        let sheet = read_sheet(Format::Csv, file.as_bytes()).unwrap();
        assert_eq!(sheet.columns, [Column::Sku, Column::TitleEn, Column::Unit]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[1].number, 4);
        assert_eq!(
            sheet.rows[1].cell(&sheet.columns, Column::TitleEn),
            Some("Mug, big")
        );
        assert_eq!(sheet.rows[1].cell(&sheet.columns, Column::Moq), None);
    }

    #[test]
    fn header_problems_are_named() {
        let err = |file: &str| {
            read_sheet(Format::Csv, file.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert!(err("sku,price\nA,1\n").contains("\"price\""));
        assert!(err("title_en\nA\n").contains("sku"));
        assert!(err("sku,货号\nA,B\n").contains("twice"));
        assert!(err("sku\n").contains("no product rows"));
        assert!(read_sheet(Format::Xlsx, b"not a zip").is_err());
        assert!(read_sheet(Format::Csv, b"sku\n\xff\xfe\n").is_err());
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut file = String::from("sku\n");
        for i in 0..=MAX_ROWS {
            file.push_str(&format!("S{i}\n"));
        }
        assert!(matches!(
            read_sheet(Format::Csv, file.as_bytes()),
            Err(ImportError::TooManyRows { .. })
        ));
    }
}
