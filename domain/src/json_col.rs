//! JSON documents kept in TEXT columns (portable across both backends).

/// Reads a JSON column; a malformed value is a bug, logged and read as empty.
pub(crate) fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, "malformed JSON column");
        T::default()
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}
