//! Query strings for links that keep a page's filters in the URL.

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `?k=v&…` from the pairs whose value is not empty; empty when none is left.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_skips_empty_values() {
        assert_eq!(urlencode("a b&é"), "a%20b%26%C3%A9");
        assert_eq!(query_string(&[("q", "Lyon 3"), ("owner", "")]), "?q=Lyon%203");
        assert_eq!(query_string(&[("q", "")]), "");
    }
}
