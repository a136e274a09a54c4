//! What an upload is, decided from its bytes alone (never the file name or the client's
//! `Content-Type`), and whether it hides markup a browser could run.

use std::io::Read;

use aho_corasick::AhoCorasick;

/// The types Tradefair accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Jpeg,
    Png,
    WebP,
    Gif,
    Pdf,
}

impl Detected {
    pub fn mime(self) -> &'static str {
        match self {
            Detected::Jpeg => "image/jpeg",
            Detected::Png => "image/png",
            Detected::WebP => "image/webp",
            Detected::Gif => "image/gif",
            Detected::Pdf => "application/pdf",
        }
    }

    pub fn image_format(self) -> Option<image::ImageFormat> {
        match self {
            Detected::Jpeg => Some(image::ImageFormat::Jpeg),
            Detected::Png => Some(image::ImageFormat::Png),
            Detected::WebP => Some(image::ImageFormat::WebP),
            Detected::Gif => Some(image::ImageFormat::Gif),
            Detected::Pdf => None,
        }
    }
}

/// The type from the magic bytes at the start of the file; `None` for anything else (SVG and
/// HTML included: they are text, with no magic number of an accepted type).
pub fn sniff(head: &[u8]) -> Option<Detected> {
    let kind = infer::get(head)?;
    Some(match kind.mime_type() {
        "image/jpeg" => Detected::Jpeg,
        "image/png" => Detected::Png,
        "image/webp" => Detected::WebP,
        "image/gif" => Detected::Gif,
        "application/pdf" => Detected::Pdf,
        _ => return None,
    })
}

/// Markup and script openers that have no business inside an image or a PDF: a file carrying
/// them is a polyglot (an image a browser could also run as HTML or script).
const MARKUP: &[&str] = &[
    "<script",
    "<html",
    "<body",
    "<svg",
    "<iframe",
    "<object",
    "<embed",
    "<!doctype",
    "<?php",
    "javascript:",
];

/// PDF actions that run code or programs when the document is opened.
const PDF_ACTIONS: &[&str] = &["/JavaScript", "/Launch"];

/// The first markup opener found anywhere in `file`, read in chunks (a match across two chunks
/// is found through the overlap kept between them).
pub fn find_markup(file: &mut impl Read, pdf: bool) -> std::io::Result<Option<String>> {
    let markup = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(MARKUP)
        .map_err(std::io::Error::other)?;
    let actions = AhoCorasick::new(PDF_ACTIONS).map_err(std::io::Error::other)?;
    let overlap = 16;
    let mut buf = vec![0u8; 64 * 1024 + overlap];
    let mut kept = 0;
    loop {
        let n = file.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(None);
        }
        let window = &buf[..kept + n];
        if let Some(m) = markup.find(window) {
            return Ok(Some(MARKUP[m.pattern().as_usize()].to_owned()));
        }
        if pdf && let Some(m) = actions.find(window) {
            return Ok(Some(PDF_ACTIONS[m.pattern().as_usize()].to_owned()));
        }
        let len = window.len();
        let keep = overlap.min(len);
        buf.copy_within(len - keep..len, 0);
        kept = keep;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_bytes_only() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), Some(Detected::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Detected::Png));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(Detected::Gif));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Detected::Pdf));
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn finds_markup_across_chunk_boundaries() {
        let mut data = vec![0u8; 64 * 1024 - 3];
        data.extend_from_slice(b"<ScRiPt>alert(1)</script>");
        assert_eq!(
            find_markup(&mut data.as_slice(), false).unwrap().as_deref(),
            Some("<script")
        );
        let clean = vec![7u8; 200_000];
        assert_eq!(find_markup(&mut clean.as_slice(), false).unwrap(), None);
        let pdf = b"%PDF-1.4 1 0 obj << /S /JavaScript /JS (app.alert(1)) >>";
        assert!(find_markup(&mut pdf.as_slice(), true).unwrap().is_some());
        assert_eq!(find_markup(&mut pdf.as_slice(), false).unwrap(), None);
    }
}
