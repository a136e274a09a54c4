//! What every page shares, built once at start: the template environment (embedded templates,
//! each replaceable from `TRADEFAIR_THEME_DIR/templates`), the stylesheet with its
//! content-hashed URL, and the platform facts of the footer.

use std::path::Path;

use minijinja::{AutoEscape, Environment, State};
use serde::Serialize;

use super::assets::Asset;
use super::lang::Lang;
use crate::config::Config;

/// The platform operator's facts (guideline 第九条) and filing numbers, for every footer.
#[derive(Debug, Clone, Serialize)]
pub struct Footer {
    pub site_name: String,
    pub operator_name: Option<String>,
    pub operator_credit_code: Option<String>,
    pub operator_address: Option<String>,
    pub operator_licence_url: Option<String>,
    pub icp_number: Option<String>,
    pub psb_number: Option<String>,
}

pub struct Site {
    env: Environment<'static>,
    pub css: Asset,
    /// The search boxes' suggestions (progressive enhancement: pages work without it).
    pub js: Asset,
    pub footer: Footer,
    /// `TRADEFAIR_PUBLIC_URL` without a trailing slash: the base of canonical URLs.
    pub base_url: String,
    /// `TRADEFAIR_SITEMAP_URLS_PER_FILE` (at most 50,000).
    pub sitemap_urls_per_file: i64,
}

impl Site {
    pub fn new(config: &Config) -> anyhow::Result<Site> {
        let mut env = Environment::new();
        // Escape everything in HTML templates; XML templates (sitemaps) too.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        minijinja_embed::load_templates!(&mut env);
        env.add_function("t", |state: &State, key: &str| -> String {
            let lang = state
                .lookup("lang")
                .and_then(|v| v.as_str().and_then(Lang::parse))
                .unwrap_or(Lang::Zh);
            super::i18n::t(lang, key)
        });
        let mut css = include_str!("assets/site.css").to_owned();
        if let Some(dir) = &config.theme_dir {
            override_templates(&mut env, &dir.join("templates"))?;
            let theme_css = dir.join("assets/site.css");
            if theme_css.is_file() {
                css = std::fs::read_to_string(&theme_css)?;
            }
        }
        let none_if_empty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Ok(Site {
            env,
            css: Asset::new("site", "css", "text/css; charset=utf-8", css.into_bytes()),
            js: Asset::new(
                "suggest",
                "js",
                "text/javascript; charset=utf-8",
                include_bytes!("assets/suggest.js").to_vec(),
            ),
            footer: Footer {
                site_name: config.site_name.clone(),
                operator_name: none_if_empty(&config.operator_name),
                operator_credit_code: none_if_empty(&config.operator_credit_code),
                operator_address: none_if_empty(&config.operator_address),
                operator_licence_url: none_if_empty(&config.operator_licence_url),
                icp_number: none_if_empty(&config.icp_number),
                psb_number: none_if_empty(&config.psb_number),
            },
            base_url: config.public_url.trim_end_matches('/').to_owned(),
            sitemap_urls_per_file: config.sitemap_urls_per_file,
        })
    }

    /// Renders `name` with `ctx`; a failure is logged and becomes the bare 500 page.
    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// The absolute URL of a site path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// Replaces embedded templates by the theme's files of the same name (and adds new ones, which
/// theme templates may include).
fn override_templates(env: &mut Environment<'static>, dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if path.is_file() && name.ends_with(".html") {
            let source = std::fs::read_to_string(&path)?;
            env.add_template_owned(name.clone(), source)
                .map_err(|e| anyhow::anyhow!("theme template {name}: {e}"))?;
        }
    }
    Ok(())
}
