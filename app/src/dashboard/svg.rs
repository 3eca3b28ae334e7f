//! Charts drawn on the server as SVG: the dashboard's first paint needs no
//! chart library (ECharts, 172 KB compressed, is fetched only when someone
//! points at or touches a chart, and then redraws it interactively from the
//! same data). Each drawing is static: a `<title>` on every mark gives its
//! figure on hover; the table under the chart is the accessible equivalent.

use crate::domain::kpi::one_decimal;
use crate::outbox::templates::escape as esc;
use std::fmt::Write as _;

/// The drawing's box (user units; the SVG scales to its card).
const W: f64 = 400.0;
const H: f64 = 256.0;
const MUTED: &str = "#94a3b8";
const GRID: &str = "rgba(148,163,184,0.2)";
/// The chart palette (the same as the interactive charts').
pub const PALETTE: [&str; 6] = ["#3b82f6", "#8b5cf6", "#10b981", "#f59e0b", "#ef4444", "#06b6d4"];

fn open() -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="100%" height="100%" font-size="11" font-family="inherit" fill="{MUTED}">"#
    )
}

/// A short label: at most `n` characters, with an ellipsis.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The axis end: 1, 2, 2.5 or 5 times a power of ten, at or above `v`.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * p)
}

/// An axis figure: 1 234 → « 1,2 k », 2 500 000 → « 2,5 M ».
fn tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{} M", one_decimal(v / 1_000_000.0))
    } else if a >= 10_000.0 {
        format!("{} k", one_decimal(v / 1_000.0))
    } else {
        one_decimal(v)
    }
}

/// Categories along x, values up y: bars, or a line when `line`.
pub fn columns(categories: &[String], values: &[f64], max: Option<f64>, unit: &str, line: bool) -> String {
    let (left, right, top, bottom) = (40.0, 8.0, 12.0, 22.0);
    let (pw, ph) = (W - left - right, H - top - bottom);
    let top_value = max.unwrap_or_else(|| {
        let top = nice_max(values.iter().copied().fold(0.0, f64::max));
        // Counts: whole ticks (0, 1, 2, 3, 4 at least, not 0,3 / 0,5 / 0,8).
        if values.iter().all(|v| v.fract() == 0.0) {
            top.max(4.0)
        } else {
            top
        }
    });
    let y = |v: f64| top + ph - (v.max(0.0) / top_value).min(1.0) * ph;
    let mut s = open();
    for i in 0..=4 {
        let v = top_value * f64::from(i) / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{GRID}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - right,
            left - 4.0,
            yy + 4.0,
            esc(&tick(v))
        );
    }
    let n = categories.len().max(1);
    let band = pw / n as f64;
    // At most eight labels along x, evenly spread.
    let every = n.div_ceil(8);
    for (i, c) in categories.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                left + band * (i as f64 + 0.5),
                H - 6.0,
                esc(&short(c, if every > 1 { 10 } else { 14 }))
            );
        }
    }
    if line {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", left + band * (i as f64 + 0.5), y(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            points.join(" "),
            PALETTE[0]
        );
        for (i, (c, v)) in categories.iter().zip(values).enumerate() {
            let r = if n <= 31 { 3.0 } else { 1.5 };
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{}"><title>{} : {}{}</title></circle>"#,
                left + band * (i as f64 + 0.5),
                y(*v),
                PALETTE[0],
                esc(c),
                one_decimal(*v),
                esc(unit)
            );
        }
    } else {
        for (i, (c, v)) in categories.iter().zip(values).enumerate() {
            let yy = y(*v);
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{yy:.1}" width="{:.1}" height="{:.1}" rx="2" fill="{}"><title>{} : {}{}</title></rect>"#,
                left + band * (i as f64 + 0.2),
                band * 0.6,
                (top + ph - yy).max(0.0),
                PALETTE[0],
                esc(c),
                one_decimal(*v),
                esc(unit)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, the first row on top (top lists).
pub fn rows(labels: &[String], values: &[f64]) -> String {
    let (left, right, top, bottom) = (110.0, 44.0, 8.0, 8.0);
    let pw = W - left - right;
    let n = labels.len().max(1);
    let band = ((H - top - bottom) / n as f64).min(36.0);
    let max = values.iter().copied().fold(0.0, f64::max).max(1.0);
    let mut s = open();
    for (i, (l, v)) in labels.iter().zip(values).enumerate() {
        let y0 = top + band * i as f64;
        let width = (v.max(0.0) / max * pw).max(1.0);
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text><rect x="{left}" y="{:.1}" width="{width:.1}" height="{:.1}" rx="2" fill="{}"><title>{} : {}</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
            left - 6.0,
            y0 + band / 2.0 + 4.0,
            esc(&short(l, 18)),
            y0 + band * 0.2,
            band * 0.6,
            PALETTE[0],
            esc(l),
            one_decimal(*v),
            left + width + 4.0,
            y0 + band / 2.0 + 4.0,
            esc(&tick(*v))
        );
    }
    s.push_str("</svg>");
    s
}

/// A ring of shares (percentages), with its legend on the right.
pub fn donut(parts: &[(String, f64)]) -> String {
    let (cx, cy, r0, r1) = (110.0, H / 2.0, 54.0, 92.0);
    let total: f64 = parts.iter().map(|(_, v)| v.max(0.0)).sum();
    let mut s = open();
    if total <= 0.0 {
        let _ = write!(
            s,
            r#"<circle cx="{cx}" cy="{cy}" r="{}" fill="none" stroke="{GRID}" stroke-width="{}"/>"#,
            (r0 + r1) / 2.0,
            r1 - r0
        );
    }
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (i, (label, v)) in parts.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        if total > 0.0 && *v > 0.0 {
            let sweep = (v / total) * std::f64::consts::TAU;
            let title = format!("{} : {} %", esc(label), one_decimal(*v));
            if sweep >= std::f64::consts::TAU - 1e-9 {
                let _ = write!(
                    s,
                    r#"<circle cx="{cx}" cy="{cy}" r="{}" fill="none" stroke="{color}" stroke-width="{}"><title>{title}</title></circle>"#,
                    (r0 + r1) / 2.0,
                    r1 - r0
                );
            } else {
                let (a0, a1) = (angle, angle + sweep);
                let large = u8::from(sweep > std::f64::consts::PI);
                let p = |r: f64, a: f64| (cx + r * a.cos(), cy + r * a.sin());
                let (x0, y0) = p(r1, a0);
                let (x1, y1) = p(r1, a1);
                let (x2, y2) = p(r0, a1);
                let (x3, y3) = p(r0, a0);
                let _ = write!(
                    s,
                    r#"<path d="M{x0:.1} {y0:.1}A{r1} {r1} 0 {large} 1 {x1:.1} {y1:.1}L{x2:.1} {y2:.1}A{r0} {r0} 0 {large} 0 {x3:.1} {y3:.1}Z" fill="{color}" stroke="rgba(15,23,42,0.6)" stroke-width="2"><title>{title}</title></path>"#
                );
            }
            angle += sweep;
        }
        let ly = cy - 14.0 * parts.len() as f64 + 28.0 * i as f64 + 8.0;
        let _ = write!(
            s,
            r#"<rect x="230" y="{:.1}" width="10" height="10" rx="2" fill="{color}"/><text x="246" y="{:.1}">{} · {} %</text>"#,
            ly - 9.0,
            ly,
            esc(&short(label, 16)),
            one_decimal(*v)
        );
    }
    s.push_str("</svg>");
    s
}

/// A funnel: one band per step, width by value (at least 8 %), labels on the right.
pub fn funnel(steps: &[(String, f64)]) -> String {
    let (left, width, top) = (8.0, 232.0, 8.0);
    let n = steps.len().max(1);
    let band = (H - 2.0 * top) / n as f64;
    let max = steps.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let w = |v: f64| (v.max(0.0) / max).max(0.08) * width;
    let mut s = open();
    let cx = left + width / 2.0;
    for (i, (label, v)) in steps.iter().enumerate() {
        let y0 = top + band * i as f64 + 2.0;
        let y1 = y0 + band - 4.0;
        let next = steps.get(i + 1).map_or(w(*v) * 0.8, |(_, nv)| w(*nv));
        let (a, b) = (w(*v) / 2.0, next / 2.0);
        let _ = write!(
            s,
            r#"<path d="M{:.1} {y0:.1}L{:.1} {y0:.1}L{:.1} {y1:.1}L{:.1} {y1:.1}Z" fill="{}"><title>{} : {}</title></path><text x="{}" y="{:.1}">{} · {}</text>"#,
            cx - a,
            cx + a,
            cx + b,
            cx - b,
            PALETTE[i % PALETTE.len()],
            esc(label),
            crate::domain::kpi::group(*v as i64),
            left + width + 10.0,
            (y0 + y1) / 2.0 + 4.0,
            esc(&short(label, 18)),
            esc(&tick(*v))
        );
    }
    s.push_str("</svg>");
    s
}

/// A grid of counts (rows × columns), darker where higher, with its scale.
pub fn heat(rows: &[String], columns: &[String], cells: &[Vec<i64>]) -> String {
    let (left, right, top, bottom) = (30.0, 6.0, 6.0, 40.0);
    let ncol = columns.len().max(1);
    let nrow = rows.len().max(1);
    let cw = (W - left - right) / ncol as f64;
    let ch = (H - top - bottom) / nrow as f64;
    let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut s = open();
    for (r, label) in rows.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 4.0,
            top + ch * (r as f64 + 0.5) + 4.0,
            esc(&short(label, 3))
        );
        for (c, col) in columns.iter().enumerate() {
            let n = cells.get(r).and_then(|row| row.get(c)).copied().unwrap_or(0);
            let opacity = 0.08 + 0.92 * n as f64 / max as f64;
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="{opacity:.2}"><title>{}, {} : {}</title></rect>"#,
                left + cw * c as f64 + 0.5,
                top + ch * r as f64 + 0.5,
                cw - 1.0,
                ch - 1.0,
                PALETTE[0],
                esc(label),
                esc(col),
                crate::domain::kpi::group(n)
            );
        }
    }
    for (c, col) in columns.iter().enumerate() {
        if c % 3 == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                left + cw * (c as f64 + 0.5),
                top + ch * nrow as f64 + 14.0,
                esc(col)
            );
        }
    }
    // The scale: 0 … max.
    let y = H - 12.0;
    for i in 0..10 {
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{y}" width="12" height="8" fill="{}" fill-opacity="{:.2}"/>"#,
            W / 2.0 - 60.0 + 12.0 * f64::from(i),
            PALETTE[0],
            0.08 + 0.92 * f64::from(i) / 9.0
        );
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="end">0</text><text x="{}" y="{}">{}</text>"#,
        W / 2.0 - 64.0,
        y + 8.0,
        W / 2.0 + 64.0,
        y + 8.0,
        esc(&crate::domain::kpi::group(max))
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses as XML with balanced tags (a small check: no dangling element).
    fn balanced(svg: &str) -> bool {
        let mut depth = 0i32;
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let end = rest[i..].find('>').map(|j| i + j).unwrap();
            let tag = &rest[i + 1..end];
            if tag.starts_with('/') {
                depth -= 1;
            } else if !tag.ends_with('/') {
                depth += 1;
            }
            if depth < 0 {
                return false;
            }
            rest = &rest[end + 1..];
        }
        depth == 0
    }

    #[test]
    fn axes_end_on_round_figures() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(nice_max(2_300.0), 2_500.0);
        assert_eq!(tick(12_500.0), "12,5 k");
    }

    #[test]
    fn every_drawing_is_well_formed_and_escapes_labels() {
        let labels = vec!["<script>".to_string(), "Bâtiment & co".to_string()];
        let drawings = [
            columns(&labels, &[3.0, 7.0], None, "", false),
            columns(&labels, &[3.0, 7.0], Some(100.0), " %", true),
            rows(&labels, &[3.0, 0.0]),
            donut(&[("Hommes".into(), 60.0), ("Femmes".into(), 40.0), ("Autre".into(), 0.0)]),
            donut(&[("Hommes".into(), 100.0)]),
            donut(&[]),
            funnel(&[("Messages".into(), 100.0), ("Qualifiés".into(), 0.0)]),
            heat(&labels, &["0 h".into(), "1 h".into()], &[vec![0, 4], vec![1, 2]]),
        ];
        for svg in drawings {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
            assert!(balanced(&svg), "{svg}");
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
}
