//! Turning a received file into what is stored: images fully decoded (within pixel and memory
//! limits), oriented, stripped of every metadata block by re-encoding, and scaled into three
//! variants; PDFs checked and kept as sent. Blocking work: call it on the blocking pool.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use bytes::Bytes;
use domain::media::{MediaKind, Purpose, Variant, VariantName};
use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::detect::{Detected, find_markup, sniff};

/// Longest side of each image variant (never scaled up).
pub const THUMBNAIL_PX: u32 = 256;
pub const MEDIUM_PX: u32 = 800;
pub const ORIGINAL_PX: u32 = 2000;
/// JPEG quality of the variants: no visible loss for product photos at a third of the size.
const JPEG_QUALITY: u8 = 85;

#[derive(Debug, Clone, Copy)]
pub struct ProcessLimits {
    /// Width × height of a decoded image.
    pub max_pixels: u64,
}

/// Why a file was refused; the API maps each to one status and code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProcessError {
    #[error("the file is not a JPEG, PNG, WebP, GIF or PDF")]
    Unsupported,
    #[error("a {0} is not accepted for this purpose")]
    NotForPurpose(&'static str),
    #[error("the file carries markup or script ({0}); it is refused")]
    Polyglot(String),
    #[error("the image has {pixels} pixels; at most {max} are accepted")]
    TooManyPixels { pixels: u64, max: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the file is truncated or corrupt: {0}")]
    Corrupt(String),
    #[error("reading the upload failed: {0}")]
    Io(String),
}

impl From<std::io::Error> for ProcessError {
    fn from(e: std::io::Error) -> ProcessError {
        ProcessError::Io(e.to_string())
    }
}

/// What processing produced.
#[derive(Debug)]
pub struct Processed {
    pub kind: MediaKind,
    pub source_type: &'static str,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub variants: Vec<(Variant, Bytes)>,
}

/// Checks and processes the file at `path` (`size` bytes) for `purpose`.
pub fn process(
    path: &Path,
    size: u64,
    purpose: Purpose,
    limits: ProcessLimits,
) -> Result<Processed, ProcessError> {
    if size == 0 {
        return Err(ProcessError::Empty);
    }
    let mut file = File::open(path)?;
    let mut head = vec![0u8; 64.min(size as usize)];
    file.read_exact(&mut head)?;
    let detected = sniff(&head).ok_or(ProcessError::Unsupported)?;
    if detected == Detected::Pdf && !purpose.accepts_pdf() {
        return Err(ProcessError::NotForPurpose("PDF"));
    }
    file.seek(SeekFrom::Start(0))?;
    if let Some(found) = find_markup(&mut BufReader::new(&mut file), detected == Detected::Pdf)? {
        return Err(ProcessError::Polyglot(found));
    }
    file.seek(SeekFrom::Start(0))?;
    match detected.image_format() {
        None => pdf(file, size),
        Some(format) => {
            if detected == Detected::Jpeg {
                require_jpeg_end(&mut file, size)?;
                file.seek(SeekFrom::Start(0))?;
            }
            // The codecs are pure Rust and return errors, but a panic on hostile input must
            // still end as a refusal, never take the worker down.
            let file = BufReader::new(file);
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                image_variants(file, format, detected, limits)
            }))
            .unwrap_or_else(|_| Err(ProcessError::Corrupt("the decoder failed".into())))
        }
    }
}

/// A JPEG that does not end with its end-of-image marker was cut off; the decoder would fill
/// the missing part with grey instead of failing. (Bytes after the marker are allowed; they are
/// dropped by the re-encoding, and markup among them was refused already.)
fn require_jpeg_end(file: &mut File, size: u64) -> Result<(), ProcessError> {
    let tail_len = size.min(64 * 1024);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    if tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(ProcessError::Corrupt("the JPEG has no end marker".into()))
    }
}

fn pdf(mut file: File, size: u64) -> Result<Processed, ProcessError> {
    let tail_len = size.min(2048);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(ProcessError::Corrupt(
            "the PDF has no end-of-file marker".into(),
        ));
    }
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::with_capacity(size as usize);
    file.read_to_end(&mut bytes)?;
    Ok(Processed {
        kind: MediaKind::Pdf,
        source_type: Detected::Pdf.mime(),
        width: None,
        height: None,
        variants: vec![(
            Variant {
                name: VariantName::Original,
                content_type: Detected::Pdf.mime().to_owned(),
                width: None,
                height: None,
                size_bytes: size as i64,
            },
            Bytes::from(bytes),
        )],
    })
}

fn image_variants(
    file: BufReader<File>,
    format: image::ImageFormat,
    detected: Detected,
    limits: ProcessLimits,
) -> Result<Processed, ProcessError> {
    let corrupt = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ProcessError::TooManyPixels {
            pixels: 0,
            max: limits.max_pixels,
        },
        other => ProcessError::Corrupt(other.to_string()),
    };
    let mut reader = ImageReader::with_format(file, format);
    let mut decoder_limits = image::Limits::default();
    // Room for the decoded frame (4 bytes a pixel at most for the accepted types) plus the
    // codec's own buffers; the pixel check below is the exact one.
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4) + (64 << 20));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > limits.max_pixels {
        return Err(ProcessError::TooManyPixels {
            pixels,
            max: limits.max_pixels,
        });
    }
    if pixels == 0 {
        return Err(ProcessError::Corrupt("the image has no pixels".into()));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    let img = normalize(img);
    let (width, height) = (img.width(), img.height());
    let mut variants = Vec::with_capacity(3);
    // Each variant is scaled from the previous, larger one: far less work than from the full
    // upload each time, and no visible difference.
    let original = fit(img, ORIGINAL_PX);
    let medium = fit(original.clone(), MEDIUM_PX);
    let thumbnail = fit(medium.clone(), THUMBNAIL_PX);
    for (name, img) in [
        (VariantName::Original, original),
        (VariantName::Medium, medium),
        (VariantName::Thumbnail, thumbnail),
    ] {
        let (content_type, bytes) = encode(&img)?;
        variants.push((
            Variant {
                name,
                content_type: content_type.to_owned(),
                width: Some(img.width() as i32),
                height: Some(img.height() as i32),
                size_bytes: bytes.len() as i64,
            },
            bytes,
        ));
    }
    variants.reverse();
    Ok(Processed {
        kind: MediaKind::Image,
        source_type: detected.mime(),
        width: Some(width as i32),
        height: Some(height as i32),
        variants,
    })
}

/// 8-bit RGB, or RGBA when the image has transparency (logos); an alpha channel that is
/// opaque everywhere is dropped (so a PNG photo becomes a JPEG).
fn normalize(img: DynamicImage) -> DynamicImage {
    if img.color().has_alpha() {
        let rgba = img.into_rgba8();
        if rgba.pixels().any(|p| p[3] < 255) {
            return DynamicImage::ImageRgba8(rgba);
        }
        DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).into_rgb8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    }
}

/// `img` scaled to fit a `max_side` square (never enlarged), with `fast_image_resize`'s SIMD
/// convolution: image's `thumbnail` took a quarter of a 12 MP upload's processing.
fn fit(img: DynamicImage, max_side: u32) -> DynamicImage {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let (w, h) = (img.width(), img.height());
    if w <= max_side && h <= max_side {
        return img;
    }
    let scale = f64::from(max_side) / f64::from(w.max(h));
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, max_side);
    let mut scaled = DynamicImage::new(side(w), side(h), img.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    match Resizer::new().resize(&img, &mut scaled, &options) {
        Ok(()) => scaled,
        // A pixel layout the resizer does not take (none after `normalize`): image's own.
        Err(_) => img.thumbnail(max_side, max_side),
    }
}

/// JPEG for pictures, PNG for pictures with transparency: the formats every browser and every
/// e-mail client shows (see docs/media.md for why not WebP).
fn encode(img: &DynamicImage) -> Result<(&'static str, Bytes), ProcessError> {
    let mut out = Vec::new();
    let result = if img.color().has_alpha() {
        img.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
            .map(|()| "image/png")
    } else {
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out,
            JPEG_QUALITY,
        ))
        .map(|()| "image/jpeg")
    };
    result
        .map(|ct| (ct, Bytes::from(out)))
        .map_err(|e| ProcessError::Io(format!("encoding failed: {e}")))
}
