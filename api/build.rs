//! Embeds the web page templates (src/web/templates) into the binary.
fn main() {
    minijinja_embed::embed_templates!("src/web/templates");
}
