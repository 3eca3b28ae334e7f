//! Quote PDF bars: a 200-line quote rendered warm (document built, typst
//! compiled, PDF written) in each template, p95 and size.

use crate::bench::{ms, percentile};
use app::infra::ports::PdfRenderer;
use app::quote::TEMPLATES;
use app::quote::document;
use server::pdf::TypstRenderer;
use server::seed::quotes::{sample_draft, sample_profile};
use std::time::{Duration, Instant};

/// Renders and prints the figures.
pub fn run() -> Result<(), String> {
    println!(
        "\n[quotes] PDF of a 200-line quote (3 VAT rates, 20 sections), warm: 5 warm-up + 60 renders per template"
    );
    let profile = sample_profile();
    for (template, name) in TEMPLATES {
        let draft = sample_draft(template, 200);
        let render = || -> Result<(Duration, usize), String> {
            let start = Instant::now();
            let doc = document::build(
                &profile,
                &draft,
                &draft.totals(),
                Some("D-2026-0042"),
                1,
                "2026-11-21",
                None,
            );
            let pdf = TypstRenderer.render_quote(&doc)?;
            Ok((start.elapsed(), pdf.len()))
        };
        for _ in 0..5 {
            render()?;
        }
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..60 {
            let (t, s) = render()?;
            times.push(t);
            size = s;
        }
        times.sort();
        println!(
            "  {name:<12} p50 {} · p95 {} · max {} · {:.1} KB",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            size as f64 / 1024.0
        );
    }
    Ok(())
}
