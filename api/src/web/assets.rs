//! Static assets embedded in the binary, served under content-hashed names with
//! `Cache-Control: immutable` (a changed file gets a new URL, so caches never go stale).

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::site::Site;

pub struct Asset {
    /// `site.3f2a9c0d11b2.css`
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Asset {
    pub fn new(stem: &str, ext: &str, content_type: &'static str, bytes: Vec<u8>) -> Asset {
        let digest = Sha256::digest(&bytes);
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        Asset {
            file_name: format!("{stem}.{hash}.{ext}"),
            content_type,
            bytes,
        }
    }

    pub fn url(&self) -> String {
        format!("/assets/{}", self.file_name)
    }
}

pub async fn serve(site: web::Data<Site>, name: web::Path<String>) -> HttpResponse {
    if let Some(asset) = [&site.css, &site.js]
        .into_iter()
        .find(|a| *name == a.file_name)
    {
        HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
            .body(asset.bytes.clone())
    } else {
        HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found")
    }
}
