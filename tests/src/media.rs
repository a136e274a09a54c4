//! Media tests: uploads as a browser sends them (multipart), generated images, and the two
//! storage backends (files in the data dir, and a real S3-compatible server on loopback that
//! `scripts/services.sh` starts).

use std::io::Cursor;

use api::Config;

use crate::backend::Backend;
use crate::client::{Reply, TestApp};

/// Where a test server keeps media bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Files,
    S3,
}

/// The S3-compatible server for tests; fails the test when unset.
pub fn s3_endpoint() -> (String, String) {
    let endpoint = std::env::var("TRADEFAIR_TEST_S3_ENDPOINT").expect(
        "TRADEFAIR_TEST_S3_ENDPOINT is not set: run the README test command (scripts/test.sh), which starts the S3-compatible server",
    );
    let bucket =
        std::env::var("TRADEFAIR_TEST_S3_BUCKET").unwrap_or_else(|_| "tradefair-test".into());
    (endpoint, bucket)
}

impl Storage {
    /// Points `config` at this storage; S3 gets a prefix of its own per test.
    pub fn apply(self, config: &mut Config) {
        if self == Storage::S3 {
            let (endpoint, bucket) = s3_endpoint();
            config.media_url = Some(format!("s3://{bucket}/t-{}", uuid::Uuid::new_v4().simple()));
            config.media_s3_endpoint = Some(endpoint);
            config.media_s3_region = Some("us-east-1".into());
            config.media_s3_access_key_id = Some("test".into());
            config.media_s3_secret_access_key = Some("test".into());
        }
    }
}

/// Runs each listed `async fn name(backend: Backend, storage: Storage)` on SQLite and
/// PostgreSQL, each with files and with S3.
#[macro_export]
macro_rules! media_backends {
    ($($name:ident),+ $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Sqlite, $crate::media::Storage::Files)) }
            )+
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Postgres, $crate::media::Storage::Files)) }
            )+
        }
        mod on_sqlite_s3 {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Sqlite, $crate::media::Storage::S3)) }
            )+
        }
        mod on_postgres_s3 {
            $(
                #[test]
                fn $name() { $crate::run_test(super::$name($crate::Backend::Postgres, $crate::media::Storage::S3)) }
            )+
        }
    };
}

/// A multipart body with the fields in this order; returns (content type, body).
pub fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("----tradefair{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, filename, data) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// A server on `backend` whose media live in `storage`.
    pub async fn spawn_media(backend: Backend, storage: Storage) -> TestApp {
        TestApp::spawn_with(backend, |c| storage.apply(c)).await
    }

    /// Uploads `data` as `purpose` (the file part claims to be `upload.jpg`, `image/jpeg`:
    /// the server must not believe it).
    pub async fn upload(&self, token: Option<&str>, purpose: &str, data: &[u8]) -> Reply {
        let (content_type, body) = multipart(&[
            ("purpose", None, purpose.as_bytes()),
            ("file", Some("upload.jpg"), data),
        ]);
        self.send_multipart(token, content_type, body).await
    }

    pub async fn send_multipart(
        &self,
        token: Option<&str>,
        content_type: String,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self
            .http
            .post(self.url("/api/v1/media"))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        crate::client::reply_of(response).await
    }

    /// GETs raw bytes with extra headers; the body is returned as is.
    pub async fn get_raw(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        (status, headers, bytes)
    }

    /// Uploads a generated `w`×`h` JPEG as `purpose`; returns the media record.
    pub async fn upload_image(
        &self,
        who: &crate::Account,
        purpose: &str,
        w: u32,
        h: u32,
    ) -> serde_json::Value {
        self.upload(who.token(), purpose, &jpeg(w, h, 1))
            .await
            .expect(201)
            .body
    }
}

/// A generated `w`×`h` JPEG; `seed` varies the picture (so two seeds are two files).
pub fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    encode(&picture(w, h, seed), image::ImageFormat::Jpeg)
}

/// A generated picture: gradients and a seed-dependent pattern.
pub fn picture(w: u32, h: u32, seed: u8) -> image::DynamicImage {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w.max(1)) as u8,
            (y * 255 / h.max(1)) as u8,
            seed.wrapping_mul(37)
                .wrapping_add(((x / 8 + y / 8) % 2 * 60) as u8),
        ])
    });
    image::DynamicImage::ImageRgb8(img)
}

pub fn encode(img: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}
