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

/// A 200-line invoice to a Factur-X PDF (CII built, typst PDF/A-3, XMP
/// added), warm: p95 and size; the last one is left in the temp directory
/// for the validator.
pub fn run_invoice() -> Result<std::path::PathBuf, String> {
    use app::invoice::document::{self as invoice_document, Source};
    use app::invoice::{InvoiceKind, InvoiceStatus};
    println!(
        "\n[invoices] Factur-X PDF of a 200-line invoice (3 VAT rates, 20 sections), warm: 5 warm-up + 60 renders"
    );
    let profile = sample_profile();
    let draft = sample_draft("modern", 200);
    let totals = draft.totals();
    let settings = app::invoice::settings::view_defaults(uuid::Uuid::nil());
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).ok_or("date")?;
    let mut m = app::invoice::store::blank(
        uuid::Uuid::nil(),
        InvoiceKind::Standalone,
        chrono::DateTime::UNIX_EPOCH,
        &settings,
    );
    m.status = InvoiceStatus::Issued;
    m.number = Some("F-2026-0042".into());
    m.title = draft.title.clone();
    m.client_name = draft.client.name.clone();
    m.client_email = draft.client.email.clone();
    m.client_address = draft.client.address.clone();
    m.client_postcode = draft.client.postcode.clone();
    m.client_city = draft.client.city.clone();
    m.site_address = "5 chemin des Vignes".into();
    m.site_postcode = "69130".into();
    m.site_city = "Écully".into();
    m.reduced_rate_certified = true;
    m.issue_date = Some(day);
    m.due_date = Some(day + chrono::TimeDelta::days(30));
    let render = || -> Result<(Duration, Vec<u8>), String> {
        let start = Instant::now();
        let source = Source {
            invoice: &m,
            lines: &draft.lines,
            totals: &totals,
            profile: &profile,
            settings: &settings,
            quote: Some(("D-2026-0042".into(), "2026-11-02".into())),
            corrects: None,
            issued: day,
        };
        let xml = facturx::cii::to_xml(&invoice_document::facturx(&source));
        let doc = invoice_document::build(&source);
        let pdf = TypstRenderer.render_invoice(&doc, &xml)?;
        Ok((start.elapsed(), pdf))
    };
    for _ in 0..5 {
        render()?;
    }
    let mut times = Vec::new();
    let mut last = Vec::new();
    for _ in 0..60 {
        let (t, pdf) = render()?;
        times.push(t);
        last = pdf;
    }
    times.sort();
    println!(
        "  200 lines    p50 {} · p95 {} · max {} · {:.1} KB (bar: p95 < 100 ms, ≤ 300 KB)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        last.len() as f64 / 1024.0
    );
    let path = std::env::temp_dir().join("comptoir-bench-invoice-200.pdf");
    std::fs::write(&path, &last).map_err(|e| e.to_string())?;
    Ok(path)
}
