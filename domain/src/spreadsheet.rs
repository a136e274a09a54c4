//! What every file this platform writes for spreadsheet programs shares: CSV that Excel opens
//! with Chinese text intact, and cells it never runs as formulas. Used by the lead export and
//! the catalog export.

/// UTF-8 with a byte-order mark: without it Excel reads a CSV file as the local code page and
/// shows Chinese text as mojibake.
pub const UTF8_BOM: &str = "\u{feff}";

/// The characters that make a spreadsheet program run a cell as a formula (CSV injection).
fn starts_a_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell's text made safe: one starting with a formula character gets a leading apostrophe,
/// which spreadsheet programs show as text.
pub fn neutralize(text: &str) -> String {
    match text.chars().next() {
        Some(c) if starts_a_formula(c) => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The text `neutralize` was given back, for a file this platform wrote coming back in (an
/// export re-imported).
pub fn unneutralize(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(starts_a_formula) => rest,
        _ => text,
    }
}

/// A CSV file of `header` and `rows`: BOM, CRLF lines, every text cell neutralized.
pub fn csv_bytes<I, R>(header: &[&str], rows: I) -> Result<Vec<u8>, csv::Error>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut out = UTF8_BOM.as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(header.iter().map(|h| neutralize(h)))?;
        for row in rows {
            writer.write_record(row.into_iter().map(|c| neutralize(&c)))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("王经理"), "王经理");
        assert_eq!(neutralize("'quoted"), "'quoted");
    }

    #[test]
    fn unneutralize_undoes_only_neutralize() {
        for text in ["=1+1", "-1", "+86", "@x", "王经理", "'quoted", "", "'"] {
            assert_eq!(unneutralize(&neutralize(text)), text);
        }
    }

    #[test]
    fn csv_has_bom_and_crlf() {
        let bytes = csv_bytes(&["a", "b"], vec![vec!["=x".to_owned(), "y".to_owned()]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}a,b\r\n'=x,y\r\n");
    }
}
