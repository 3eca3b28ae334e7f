//! Quote PDFs from the typst renderer: well-formed (`qpdf --check`), every
//! mandatory mention in their text (`pdftotext`), identical bytes for the
//! same quote, every template, the signed copy's proof block.

use app::infra::ports::PdfRenderer;
use app::quote::document::{self, SignatureBlock};
use app::quote::{QuoteDraft, TEMPLATES};
use server::pdf::TypstRenderer;
use server::seed::quotes::{sample_draft as draft, sample_profile as profile};
use std::process::Command;

fn render(d: &QuoteDraft, signature: Option<SignatureBlock>) -> Vec<u8> {
    let doc = document::build(
        &profile(),
        d,
        &d.totals(),
        Some("D-2026-0042"),
        1,
        "2026-11-21",
        signature,
    );
    TypstRenderer.render_quote(&doc).expect("renders")
}

pub fn tool(name: &str, args: &[&str], pdf: &[u8]) -> (bool, String) {
    let path = std::env::temp_dir().join(format!("comptoir-pdf-{}.pdf", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, pdf).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    let p = path.to_str().unwrap().to_string();
    all.push(&p);
    if name == "pdftotext" {
        all.push("-");
    }
    let out = Command::new(name)
        .args(&all)
        .output()
        .unwrap_or_else(|e| panic!("{name} is required (scripts/lib.sh installs it): {e}"));
    std::fs::remove_file(&path).ok();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_template_is_a_valid_pdf_with_every_mandatory_mention() {
    for (template, _) in TEMPLATES {
        let pdf = render(&draft(template, 12), None);
        let (ok, report) = tool("qpdf", &["--check"], &pdf);
        assert!(ok, "{template}: qpdf --check failed: {report}");
        let (_, text) = tool("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf);
        let text = squash(&text);
        for mention in [
            "Devis D-2026-0042",
            "Établi le 21/11/2026",
            "Valable jusqu'au 21/12/2026",
            "Plomberie Martin SARL",
            "SARL au capital de 10 000 €",
            "SIRET 73282932000074",
            "RCS Lyon 732 829 320",
            "TVA intracommunautaire FR44732829320",
            "Assurance décennale : MAAF Assurances, contrat DEC-2026-118734",
            "couverture : France métropolitaine",
            "Famille Rousseau",
            "Adresse du chantier : 17 rue Victor-Hugo, 69300 Caluire-et-Cuire",
            "Main-d'œuvre plombier",
            "3,5 h",
            "45,00 €",
            "Déplacement",
            "Total HT",
            "TVA 5,5 %",
            "TVA 10 %",
            "TVA 20 %",
            "Total TTC",
            "Devis gratuit",
            "Acompte à la signature",
            "Devis reçu avant l'exécution des travaux — bon pour accord",
            "Devis établi pour Famille Rousseau",
        ] {
            assert!(
                text.contains(mention),
                "{template}: « {mention} » missing from:\n{text}"
            );
        }
    }
}

#[test]
fn the_logo_is_printed_in_the_header() {
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(include_str!("fixtures/signature.b64").trim())
        .unwrap();
    let d = draft("modern", 4);
    let doc = document::build(&profile(), &d, &d.totals(), Some("D-2026-0042"), 1, "2026-11-21", None)
        .with_logo(Some((png, "png")));
    let pdf = TypstRenderer.render_quote(&doc).unwrap();
    let (ok, report) = tool("qpdf", &["--check"], &pdf);
    assert!(ok, "{report}");
    let (_, images) = tool("pdfimages", &["-list"], &pdf);
    assert!(images.lines().count() >= 3, "one image listed: {images}");
}

#[test]
fn the_same_quote_gives_the_same_bytes() {
    let d = draft("premium", 40);
    assert_eq!(render(&d, None), render(&d, None));
}

#[test]
fn the_signed_copy_carries_the_signature_and_the_fingerprint() {
    let png = {
        use base64::Engine;
        let url = include_str!("fixtures/signature.b64");
        base64::engine::general_purpose::STANDARD.decode(url.trim()).unwrap()
    };
    let d = draft("classic", 6);
    let original = render(&d, None);
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&original));
    let signed = render(
        &d,
        Some(SignatureBlock {
            statement: "Signé électroniquement le 22/11/2026 10:15 (heure de Paris) par Famille Rousseau".into(),
            fingerprint: format!("Empreinte SHA-256 du devis présenté au client : {sha}"),
            image: png,
        }),
    );
    let (ok, report) = tool("qpdf", &["--check"], &signed);
    assert!(ok, "{report}");
    let (_, text) = tool("pdftotext", &["-enc", "UTF-8"], &signed);
    let text = squash(&text);
    assert!(text.contains("Signé électroniquement le 22/11/2026"), "{text}");
    assert!(text.contains(&sha[..32]), "fingerprint printed: {text}");
}
