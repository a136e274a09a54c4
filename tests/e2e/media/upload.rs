//! Uploading each kind and reading it back: variants with the right sizes and no metadata,
//! orientation applied, the same bytes stored once, the daily quota, concurrent uploads.

use e2e::media::{Storage, encode, jpeg, picture};
use e2e::{Backend, TestApp, media_backends};
use serde_json::Value;

use super::files::{jpeg_with_exif, pdf};

fn variant<'a>(media: &'a Value, name: &str) -> &'a Value {
    media["variants"]
        .as_array()
        .and_then(|a| a.iter().find(|v| v["name"] == name))
        .unwrap_or_else(|| panic!("no {name} variant in {media}"))
}

fn url_of(media: &Value, name: &str) -> String {
    variant(media, name)["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn images_upload_with_three_variants_of_the_right_sizes(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    let m = app
        .upload(owner.token(), "product_image", &jpeg(3000, 1500, 1))
        .await
        .expect(201)
        .body;
    assert_eq!(m["kind"], "image");
    assert_eq!(m["purpose"], "product_image");
    assert_eq!(m["source_type"], "image/jpeg");
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(3000), Some(1500))
    );
    assert!(uuid::Uuid::parse_str(m["id"].as_str().unwrap_or_default()).is_ok());
    for (name, w, h) in [
        ("thumbnail", 256, 128),
        ("medium", 800, 400),
        ("original", 2000, 1000),
    ] {
        let v = variant(&m, name);
        assert_eq!(
            (v["width"].as_i64(), v["height"].as_i64()),
            (Some(w), Some(h)),
            "{name}"
        );
        assert_eq!(v["content_type"], "image/jpeg");
        let (status, headers, bytes) = app.get_raw(&url_of(&m, name), owner.token(), &[]).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(bytes.len() as i64, v["size_bytes"].as_i64().unwrap_or(-1));
        let decoded = image::load_from_memory(&bytes).expect("a variant decodes");
        assert_eq!((decoded.width() as i64, decoded.height() as i64), (w, h));
    }
    // The record reads back for its owner.
    let id = m["id"].as_str().unwrap_or_default();
    let again = app
        .get(&format!("/api/v1/media/{id}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(again["variants"], m["variants"]);
}

async fn every_accepted_type_uploads(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    // A logo with transparency stays transparent (PNG variants).
    let mut logo = picture(300, 300, 2).into_rgba8();
    logo.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
    let logo = encode(
        &image::DynamicImage::ImageRgba8(logo),
        image::ImageFormat::Png,
    );
    let m = app
        .upload(owner.token(), "company_logo", &logo)
        .await
        .expect(201)
        .body;
    assert_eq!(m["source_type"], "image/png");
    assert_eq!(variant(&m, "thumbnail")["content_type"], "image/png");
    let (_, _, bytes) = app
        .get_raw(&url_of(&m, "thumbnail"), owner.token(), &[])
        .await;
    let thumb = image::load_from_memory(&bytes)
        .expect("decodes")
        .into_rgba8();
    assert_eq!(thumb.width(), 256);
    assert!(thumb.pixels().any(|p| p[3] < 255), "transparency kept");

    let gif = encode(&picture(120, 80, 4), image::ImageFormat::Gif);
    let m = app
        .upload(owner.token(), "company_banner", &gif)
        .await
        .expect(201)
        .body;
    assert_eq!(m["source_type"], "image/gif");
    assert_eq!(variant(&m, "original")["width"], 120);

    let webp = encode(&picture(64, 48, 5), image::ImageFormat::WebP);
    let m = app
        .upload(owner.token(), "attachment", &webp)
        .await
        .expect(201)
        .body;
    assert_eq!(m["source_type"], "image/webp");
    assert_eq!(variant(&m, "thumbnail")["height"], 48);

    let m = app
        .upload(owner.token(), "licence_scan", &pdf())
        .await
        .expect(201)
        .body;
    assert_eq!(m["kind"], "pdf");
    assert_eq!(m["width"], Value::Null);
    assert_eq!(m["variants"].as_array().map(Vec::len), Some(1));
    let (status, headers, bytes) = app
        .get_raw(&url_of(&m, "original"), owner.token(), &[])
        .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, pdf());
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap_or_default()
            .starts_with("private")
    );
}

async fn metadata_is_stripped_and_orientation_applied(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    let file = jpeg_with_exif(200, 100);
    assert!(image::load_from_memory(&file).is_ok());
    let m = app
        .upload(owner.token(), "product_image", &file)
        .await
        .expect(201)
        .body;
    // Orientation 6 turns the 200×100 picture upright: 100×200.
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(100), Some(200))
    );
    for name in ["thumbnail", "medium", "original"] {
        let (_, _, bytes) = app.get_raw(&url_of(&m, name), owner.token(), &[]).await;
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Exif"), "{name} has an EXIF block");
        assert!(
            !text.contains("SERIAL-CAM"),
            "{name} kept the camera serial"
        );
        let img = image::load_from_memory(&bytes).expect("decodes");
        assert!(img.height() > img.width(), "{name} is upright");
    }
}

async fn the_same_file_is_stored_once(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let one = app.signup("supplier").await;
    let two = app.signup("buyer").await;
    let file = jpeg(640, 480, 9);
    let a = app
        .upload(one.token(), "product_image", &file)
        .await
        .expect(201)
        .body;
    let b2 = app
        .upload(two.token(), "attachment", &file)
        .await
        .expect(201)
        .body;
    assert_ne!(a["id"], b2["id"], "two uploads, two records");
    assert_eq!(
        variant(&a, "medium")["size_bytes"],
        variant(&b2, "medium")["size_bytes"]
    );
    let (_, _, bytes_a) = app.get_raw(&url_of(&a, "original"), one.token(), &[]).await;
    let (_, _, bytes_b) = app
        .get_raw(&url_of(&b2, "original"), two.token(), &[])
        .await;
    assert_eq!(bytes_a, bytes_b);
    if s == Storage::Files {
        let stored: Vec<_> = std::fs::read_dir(app.config.data_dir.join("media"))
            .expect("media dir")
            .flatten()
            .collect();
        assert_eq!(
            stored.len(),
            1,
            "one content-addressed directory for both uploads"
        );
    }
}

async fn the_daily_quota_answers_429_with_retry_after(b: Backend, s: Storage) {
    let app = TestApp::spawn_with(b, |c| {
        s.apply(c);
        c.media_daily_count = 2;
    })
    .await;
    let owner = app.signup("supplier").await;
    for seed in 0..2 {
        app.upload(owner.token(), "product_image", &jpeg(32, 32, seed))
            .await
            .expect(201);
    }
    let refused = app
        .upload(owner.token(), "product_image", &jpeg(32, 32, 7))
        .await
        .expect(429);
    assert_eq!(refused.code(), "upload_quota_exceeded");
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=86_400).contains(&wait), "Retry-After {wait}");
    // Another account has its own quota; the bytes quota holds too.
    let other = app.signup("supplier").await;
    app.upload(other.token(), "product_image", &jpeg(32, 32, 8))
        .await
        .expect(201);

    let app = TestApp::spawn_with(b, |c| {
        s.apply(c);
        c.media_daily_bytes = 3_000;
    })
    .await;
    let owner = app.signup("supplier").await;
    let big = jpeg(200, 200, 1);
    assert!(big.len() > 3_000);
    let refused = app
        .upload(owner.token(), "product_image", &big)
        .await
        .expect(429);
    assert_eq!(refused.code(), "upload_quota_exceeded");
}

async fn concurrent_uploads_all_succeed(b: Backend, s: Storage) {
    let app = std::sync::Arc::new(
        TestApp::spawn_with(b, |c| {
            s.apply(c);
            c.workers = Some(2);
        })
        .await,
    );
    let owner = app.signup("supplier").await;
    let mut tasks = Vec::new();
    for seed in 0..8u8 {
        let app = app.clone();
        let token = owner.access.clone();
        tasks.push(tokio::spawn(async move {
            // Seeds 0–3 twice: concurrent uploads of the same bytes too.
            app.upload(Some(&token), "product_image", &jpeg(400, 300, seed % 4))
                .await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let reply = t.await.expect("task").expect(201);
        ids.insert(reply.body["id"].as_str().unwrap_or_default().to_owned());
        let (status, _, _) = app
            .get_raw(&url_of(&reply.body, "thumbnail"), owner.token(), &[])
            .await;
        assert_eq!(status, 200);
    }
    assert_eq!(ids.len(), 8);
}

media_backends!(
    images_upload_with_three_variants_of_the_right_sizes,
    every_accepted_type_uploads,
    metadata_is_stripped_and_orientation_applied,
    the_same_file_is_stored_once,
    the_daily_quota_answers_429_with_retry_after,
    concurrent_uploads_all_succeed,
);
