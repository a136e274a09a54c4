//! What is refused, and how: by content, never by name or claimed type; limits while streaming;
//! broken files are 422, never a 500.

use e2e::media::{Storage, jpeg, multipart};
use e2e::{Backend, TestApp, media_backends};

use super::files::{pdf, png_bomb};

async fn files_of_other_types_are_415_whatever_they_claim(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    let t = owner.token();
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let text = b"just some text, named upload.jpg";
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
    for (what, data) in [
        ("svg", &svg[..]),
        ("html", &html[..]),
        ("text", &text[..]),
        ("exe", &exe[..]),
    ] {
        let r = app.upload(t, "attachment", data).await;
        assert_eq!(r.status, 415, "{what}: {}", r.body);
        assert_eq!(r.code(), "unsupported_media_type", "{what}");
    }
    // A PDF is fine as a licence scan, not as a product image.
    let r = app.upload(t, "product_image", &pdf()).await.expect(415);
    assert_eq!(r.code(), "media_type_not_allowed");
}

async fn polyglots_are_refused(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    // A real JPEG that is also an HTML page: markup after the end of the image.
    let mut polyglot = jpeg(64, 64, 1);
    polyglot.extend_from_slice(b"<html><script>fetch('/api/v1/auth/me')</script></html>");
    assert!(
        image::load_from_memory(&polyglot).is_ok(),
        "still a decodable JPEG"
    );
    let r = app
        .upload(owner.token(), "product_image", &polyglot)
        .await
        .expect(415);
    assert_eq!(r.code(), "polyglot_refused");
    // A PDF that runs JavaScript when opened.
    let mut js =
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n"
            .to_vec();
    js.extend_from_slice(b"%%EOF\n");
    let r = app
        .upload(owner.token(), "attachment", &js)
        .await
        .expect(415);
    assert_eq!(r.code(), "polyglot_refused");
}

async fn broken_files_are_422(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    let t = owner.token();
    let whole = jpeg(300, 200, 2);
    let r = app
        .upload(t, "product_image", &whole[..whole.len() / 2])
        .await
        .expect(422);
    assert_eq!(r.code(), "corrupt_media");
    let png = e2e::media::encode(&e2e::media::picture(300, 200, 3), image::ImageFormat::Png);
    let r = app
        .upload(t, "product_image", &png[..png.len() / 2])
        .await
        .expect(422);
    assert_eq!(r.code(), "corrupt_media");
    let pdf = pdf();
    let r = app
        .upload(t, "licence_scan", &pdf[..pdf.len() - 8])
        .await
        .expect(422);
    assert_eq!(r.code(), "corrupt_media");
    let r = app.upload(t, "product_image", b"").await.expect(422);
    assert_eq!(r.code(), "empty_file");
    // The magic bytes of a JPEG and nothing after them.
    let r = app
        .upload(
            t,
            "product_image",
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\xFF\xD9",
        )
        .await
        .expect(422);
    assert_eq!(r.code(), "corrupt_media");
}

async fn pixel_bombs_are_refused_before_decoding(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    // 50,000 × 50,000: 2.5 gigapixels in a few hundred bytes.
    let bomb = png_bomb(50_000, 50_000);
    assert!(bomb.len() < 200);
    let r = app
        .upload(owner.token(), "product_image", &bomb)
        .await
        .expect(422);
    assert_eq!(r.code(), "image_too_large");
    // The server is fine afterwards.
    app.upload(owner.token(), "product_image", &jpeg(40, 40, 1))
        .await
        .expect(201);
}

async fn oversized_uploads_are_413_per_purpose(b: Backend, s: Storage) {
    // Noise does not compress: a JPEG of random pixels of a few hundred kB.
    let noisy = image::RgbImage::from_fn(600, 600, |x, y| {
        let v =
            (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
        image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
    });
    let big = e2e::media::encode(
        &image::DynamicImage::ImageRgb8(noisy),
        image::ImageFormat::Jpeg,
    );
    let size = big.len() as u64;
    let app = TestApp::spawn_with(b, |c| {
        s.apply(c);
        c.media_image_max_bytes = size / 2;
        c.media_document_max_bytes = size * 2;
    })
    .await;
    let owner = app.signup("supplier").await;
    let r = app
        .upload(owner.token(), "product_image", &big)
        .await
        .expect(413);
    assert_eq!(r.code(), "upload_too_large");
    // The same file is within an attachment's limit.
    app.upload(owner.token(), "attachment", &big)
        .await
        .expect(201);
    // Past twice an attachment's limit, and announced so: refused before it is read.
    let huge = vec![0u8; (size * 3) as usize];
    let r = app
        .upload(owner.token(), "attachment", &huge)
        .await
        .expect(413);
    assert_eq!(r.code(), "upload_too_large");
    // Nothing of the refused uploads was kept.
    let tmp = app.config.data_dir.join("tmp");
    assert_eq!(std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0), 0);
}

async fn the_form_is_checked(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let owner = app.signup("supplier").await;
    let t = owner.token();
    let file = jpeg(16, 16, 1);
    let r = app.upload(t, "wallpaper", &file).await.expect(400);
    assert_eq!(r.fields(), vec!["purpose"]);
    let (ct, body) = multipart(&[("file", Some("a.jpg"), &file)]);
    let r = app.send_multipart(t, ct, body).await.expect(400);
    assert_eq!(r.fields(), vec!["purpose"]);
    let (ct, body) = multipart(&[("purpose", None, b"attachment")]);
    let r = app.send_multipart(t, ct, body).await.expect(400);
    assert_eq!(r.fields(), vec!["file"]);
    let (ct, body) = multipart(&[
        ("purpose", None, b"attachment"),
        ("file", Some("a.jpg"), &file),
        ("file", Some("b.jpg"), &file),
    ]);
    let r = app.send_multipart(t, ct, body).await.expect(400);
    assert_eq!(r.fields(), vec!["file"]);
    // Not multipart at all.
    app.post(
        "/api/v1/media",
        t,
        serde_json::json!({"purpose": "attachment"}),
    )
    .await
    .expect(400);
    // Signed-in accounts only.
    app.upload(None, "attachment", &file).await.expect(401);
}

media_backends!(
    files_of_other_types_are_415_whatever_they_claim,
    polyglots_are_refused,
    broken_files_are_422,
    pixel_bombs_are_refused_before_decoding,
    oversized_uploads_are_413_per_purpose,
    the_form_is_checked,
);
