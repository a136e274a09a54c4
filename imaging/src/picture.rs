//! Demo pictures drawn from a product's title: no downloads, and the same title always gives
//! the same bytes.

use image::{DynamicImage, Rgb, RgbImage};
use sha2::{Digest, Sha256};

/// An 800×600 picture: a two-colour gradient, a disc and a band in colours taken from the
/// title's hash.
pub fn picture_for(title: &str) -> Vec<u8> {
    let h = Sha256::digest(title.as_bytes());
    let (w, ht) = (800u32, 600u32);
    let c1 = [h[0], h[1], h[2]];
    let c2 = [h[3], h[4], h[5]];
    let disc = [h[6] | 0x40, h[7] | 0x40, h[8] | 0x40];
    let (cx, cy) = (
        200 + u32::from(h[9]) * 400 / 255,
        150 + u32::from(h[10]) * 300 / 255,
    );
    let r = 80 + u32::from(h[11]) / 2;
    let img = RgbImage::from_fn(w, ht, |x, y| {
        let dx = i64::from(x) - i64::from(cx);
        let dy = i64::from(y) - i64::from(cy);
        if dx * dx + dy * dy < i64::from(r * r) {
            return Rgb(disc);
        }
        if (y + x / 4) % 120 < 14 {
            return Rgb([255 - c1[0], 255 - c1[1], 255 - c1[2]]);
        }
        let t = (x + y) * 255 / (w + ht);
        let mix = |a: u8, b: u8| ((u32::from(a) * (255 - t) + u32::from(b) * t) / 255) as u8;
        Rgb([mix(c1[0], c2[0]), mix(c1[1], c2[1]), mix(c1[2], c2[2])])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB picture as JPEG cannot fail.
    let _ = DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg);
    out.into_inner()
}
