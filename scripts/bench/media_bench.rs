//! Media processing time: generates distinct 12-megapixel JPEGs (4000 × 3000, photo-like: smooth
//! gradients with noise, so they compress as photographs do) and times `api::media::process`
//! (the decode, orientation, three resizes and three encodes an upload goes through) on each.
//! Built as the `media-bench` binary of the e2e package; run through `scripts/bench/media.sh`,
//! which pins it to one core.
//!
//!   media-bench process [--runs 10]
//!   media-bench jpeg <path> <seed>           # writes one such JPEG
//!   media-bench pdf <path> <bytes>           # writes a valid PDF of about that size

use std::time::Instant;

use domain::media::Purpose;

fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 24) as i32 - 12;
        let base = |v: u32| ((v as i32 + noise).clamp(0, 255)) as u8;
        image::Rgb([
            base(x * 255 / w),
            base(y * 255 / h),
            base((x + y + seed * 40) % 256),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("jpeg") => {
            let seed: u32 = args[2].parse().expect("seed");
            std::fs::write(&args[1], photo(seed)).expect("write");
        }
        Some("pdf") => {
            let size: usize = args[2].parse().expect("bytes");
            let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n".to_vec();
            let line = b"% scanned page data 0123456789abcdefghijklmnopqrstuvwxyz\n";
            while pdf.len() + line.len() + 64 < size {
                pdf.extend_from_slice(line);
            }
            pdf.extend_from_slice(b"trailer << /Root 1 0 R >>\n%%EOF\n");
            std::fs::write(&args[1], pdf).expect("write");
        }
        Some("process") => {
            let runs: usize = args
                .iter()
                .position(|a| a == "--runs")
                .and_then(|i| args.get(i + 1))
                .map_or(10, |v| v.parse().expect("--runs N"));
            let dir = tempfile::tempdir().expect("temp dir");
            let limits = api::media::ProcessLimits {
                max_pixels: 40_000_000,
            };
            let mut times = Vec::new();
            for seed in 0..runs as u32 {
                let bytes = photo(seed);
                let path = dir.path().join(format!("{seed}.jpg"));
                std::fs::write(&path, &bytes).expect("write");
                let started = Instant::now();
                let out =
                    api::media::process(&path, bytes.len() as u64, Purpose::ProductImage, limits)
                        .expect("processes");
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                let sizes: Vec<String> = out
                    .variants
                    .iter()
                    .map(|(v, b)| {
                        format!(
                            "{} {}x{} {} kB",
                            v.name.as_str(),
                            v.width.unwrap_or(0),
                            v.height.unwrap_or(0),
                            b.len() / 1024
                        )
                    })
                    .collect();
                println!(
                    "run {seed}: {:.1} MB JPEG → {ms:.0} ms ({})",
                    bytes.len() as f64 / 1e6,
                    sizes.join(", ")
                );
                times.push(ms);
            }
            times.sort_by(f64::total_cmp);
            let median = times[times.len() / 2];
            let mean = times.iter().sum::<f64>() / times.len() as f64;
            println!(
                "process 12 MP JPEG: median {median:.0} ms, mean {mean:.0} ms, min {:.0} ms, max {:.0} ms over {} runs; {:.1} per second on this core",
                times[0],
                times[times.len() - 1],
                times.len(),
                1000.0 / mean
            );
        }
        _ => {
            eprintln!(
                "usage: media-bench process [--runs N] | jpeg <path> <seed> | pdf <path> <bytes>"
            );
            std::process::exit(2);
        }
    }
}
