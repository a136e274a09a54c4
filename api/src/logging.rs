//! The process's log: to standard error, filtered by `RUST_LOG` (default `info`), as text or,
//! with `TRADEFAIR_LOG_FORMAT=json`, one JSON object per line with the fields of the current
//! span (the request id, the account). Colour codes only when standard error is a terminal and
//! `NO_COLOR` is not set.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The log format `TRADEFAIR_LOG_FORMAT` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    pub fn parse(value: &str) -> anyhow::Result<LogFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => anyhow::bail!("TRADEFAIR_LOG_FORMAT must be text or json, not {other:?}"),
        }
    }
}

/// Installs the global subscriber. Read from the environment directly: logging starts before
/// the configuration is loaded, so that loading it can be logged.
pub fn init() -> anyhow::Result<()> {
    let format = LogFormat::parse(&std::env::var("TRADEFAIR_LOG_FORMAT").unwrap_or_default())?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            builder.with_ansi(colour).init()
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(LogFormat::parse("").unwrap(), LogFormat::Text);
        assert_eq!(LogFormat::parse("JSON").unwrap(), LogFormat::Json);
        assert!(LogFormat::parse("yaml").is_err());
    }
}
