//! A minimal XML writer: elements in the order the caller gives (the XSD's
//! order), text escaped, amounts and quantities in the norm's decimal form.

use std::fmt::Write;

/// Builds an XML document as a string.
pub(crate) struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    pub(crate) fn new() -> Xml {
        Xml {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push(' ');
        }
    }

    /// `<name attrs>`; attributes are constants or escaped by the caller.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(value));
        }
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }

    /// `<name attrs>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(value));
        }
        let _ = writeln!(self.out, ">{}</{name}>", escape(text));
    }

    pub(crate) fn text(&mut self, name: &str, text: &str) {
        self.leaf(name, &[], text);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Escapes the five XML specials and drops the control characters XML 1.0
/// forbids (a pasted description may carry them).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Cents as `1234.50` / `-3.05`.
pub(crate) fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Thousandths as `1.5` / `-1` / `0.125` (at most three decimals).
pub(crate) fn quantity(thousandths: i64) -> String {
    let sign = if thousandths < 0 { "-" } else { "" };
    let abs = thousandths.unsigned_abs();
    let (int, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let digits = format!("{frac:03}");
        format!("{sign}{int}.{}", digits.trim_end_matches('0'))
    }
}

/// Basis points as a percentage: `20`, `5.5`, `2.1`, `0`.
pub(crate) fn percent(bp: i64) -> String {
    let (int, frac) = (bp / 100, bp % 100);
    if frac == 0 {
        format!("{int}")
    } else {
        let digits = format!("{frac:02}");
        format!("{int}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_way_the_norm_reads_them() {
        assert_eq!(amount(123_450), "1234.50");
        assert_eq!(amount(-305), "-3.05");
        assert_eq!(amount(0), "0.00");
        assert_eq!(quantity(1_500), "1.5");
        assert_eq!(quantity(-1_000), "-1");
        assert_eq!(quantity(125), "0.125");
        assert_eq!(percent(2_000), "20");
        assert_eq!(percent(550), "5.5");
        assert_eq!(percent(210), "2.1");
        assert_eq!(percent(0), "0");
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("Pose <b> & \"dépose\"\u{1}"),
            "Pose &lt;b&gt; &amp; &quot;dépose&quot;"
        );
    }
}
