//! Demo legal identities and catalogues, so that a fresh install can write
//! and send a complete quote at once.

use app::domain::TradePack;
use app::domain::quote_totals::{Deposit, Discount};
use app::domain::vat::{Unit, VatRate};
use app::infra::entity::{business_profile, catalogue_item};
use app::infra::time;
use app::quote::{ClientInput, LineInput, QuoteDraft};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

struct Identity {
    legal_name: &'static str,
    legal_form: &'static str,
    siret: &'static str,
    registry: &'static str,
    vat_number: &'static str,
    address: &'static str,
    postcode: &'static str,
    city: &'static str,
    phone: &'static str,
    email: &'static str,
    accent: &'static str,
    template: &'static str,
}

fn identity(pack: TradePack) -> Identity {
    match pack {
        TradePack::Artisan => Identity {
            legal_name: "Plomberie Martin SARL",
            legal_form: "SARL au capital de 10 000 €",
            siret: "73282932000074",
            registry: "RCS Lyon 732 829 320",
            vat_number: "FR44732829320",
            address: "12 rue des Lilas",
            postcode: "69003",
            city: "Lyon",
            phone: "04 78 12 34 56",
            email: "contact@plomberie-martin.test",
            accent: "#1d4ed8",
            template: "modern",
        },
        TradePack::Workshop => Identity {
            legal_name: "Thermolaquage Rhône-Alpes SAS",
            legal_form: "SAS au capital de 50 000 €",
            siret: "44306184100047",
            registry: "RCS Vienne 443 061 841",
            vat_number: "FR37443061841",
            address: "4 allée des Forges",
            postcode: "38200",
            city: "Vienne",
            phone: "04 74 00 11 22",
            email: "atelier@thermolaquage.test",
            accent: "#b45309",
            template: "classic",
        },
        TradePack::Coach => Identity {
            legal_name: "Léa Dubois Coaching",
            legal_form: "EI",
            siret: "81234567800013",
            registry: "Dispensée d'immatriculation",
            vat_number: "",
            address: "8 quai de Bondy",
            postcode: "69005",
            city: "Lyon",
            phone: "06 11 22 33 44",
            email: "lea@dubois-coaching.test",
            accent: "#7c3aed",
            template: "minimal",
        },
        TradePack::Sales => Identity {
            legal_name: "Alforis Conseil SAS",
            legal_form: "SAS au capital de 20 000 €",
            siret: "52147745900023",
            registry: "RCS Paris 521 477 459",
            vat_number: "FR12521477459",
            address: "20 rue de la Paix",
            postcode: "75002",
            city: "Paris",
            phone: "01 40 00 00 00",
            email: "contact@alforis.test",
            accent: "#0f766e",
            template: "premium",
        },
    }
}

fn catalogue(pack: TradePack) -> &'static [(&'static str, Unit, i64, VatRate)] {
    match pack {
        TradePack::Artisan => &[
            ("Main-d'œuvre plombier", Unit::Hour, 4_500, VatRate::Intermediate),
            ("Déplacement", Unit::Flat, 3_500, VatRate::Intermediate),
            (
                "Chauffe-eau thermodynamique 200 L",
                Unit::Piece,
                189_000,
                VatRate::Reduced,
            ),
            (
                "Mitigeur thermostatique de douche",
                Unit::Piece,
                14_900,
                VatRate::Intermediate,
            ),
            ("Tube multicouche Ø16", Unit::LinearMetre, 450, VatRate::Intermediate),
            (
                "Faïence murale (fourniture et pose)",
                Unit::SquareMetre,
                6_900,
                VatRate::Intermediate,
            ),
        ],
        TradePack::Workshop => &[
            (
                "Thermolaquage RAL standard",
                Unit::SquareMetre,
                2_800,
                VatRate::Standard,
            ),
            ("Sablage", Unit::SquareMetre, 1_500, VatRate::Standard),
            ("Main-d'œuvre atelier", Unit::Hour, 5_500, VatRate::Standard),
        ],
        TradePack::Coach => &[
            ("Programme coaching 12 semaines", Unit::Flat, 89_000, VatRate::Zero),
            ("Séance individuelle", Unit::Hour, 7_000, VatRate::Zero),
        ],
        TradePack::Sales => &[
            ("Audit commercial", Unit::Flat, 350_000, VatRate::Standard),
            ("Journée de conseil", Unit::Flat, 120_000, VatRate::Standard),
        ],
    }
}

/// Writes the workspace's legal identity and catalogue.
pub async fn fill(db: &impl ConnectionTrait, workspace_id: Uuid, pack: TradePack) -> Result<(), String> {
    let id = identity(pack);
    let now = time::now();
    let building = pack == TradePack::Artisan;
    business_profile::Entity::insert(business_profile::ActiveModel {
        workspace_id: Set(workspace_id),
        legal_name: Set(id.legal_name.into()),
        legal_form: Set(id.legal_form.into()),
        siret: Set(id.siret.into()),
        registry: Set(id.registry.into()),
        vat_number: Set(id.vat_number.into()),
        address: Set(id.address.into()),
        postcode: Set(id.postcode.into()),
        city: Set(id.city.into()),
        phone: Set(id.phone.into()),
        email: Set(id.email.into()),
        building_work: Set(building),
        insurer: Set(if building { "MAAF Assurances".into() } else { String::new() }),
        insurance_policy: Set(if building { "DEC-2026-118734".into() } else { String::new() }),
        insurance_cover: Set(if building { "France métropolitaine".into() } else { String::new() }),
        logo_file_id: Set(None),
        accent_color: Set(id.accent.into()),
        template: Set(id.template.into()),
        header_text: Set(String::new()),
        footer_text: Set("Merci de votre confiance, {client_name}.".into()),
        conditions_text: Set(
            "Travaux réalisés selon les règles de l'art et les DTU en vigueur. Toute modification fera l'objet d'un avenant."
                .into(),
        ),
        payment_terms: Set(app::quote::profile::DEFAULT_TERMS.into()),
        validity_days: Set(30),
        reminders_enabled: Set(true),
        reminder_days: Set("2,7".into()),
        allow_decline: Set(true),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map_err(|e| e.to_string())?;
    for (description, unit, price, vat) in catalogue(pack) {
        catalogue_item::Entity::insert(catalogue_item::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(workspace_id),
            description: Set((*description).into()),
            unit: Set(unit.as_str().into()),
            unit_price_cents: Set(*price),
            vat_bp: Set(vat.basis_points() as i32),
            archived: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(db)
        .await
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The demo artisan's identity, complete (benchmarks and PDF tests).
pub fn sample_profile() -> business_profile::Model {
    let id = identity(TradePack::Artisan);
    business_profile::Model {
        workspace_id: Uuid::nil(),
        legal_name: id.legal_name.into(),
        legal_form: id.legal_form.into(),
        siret: id.siret.into(),
        registry: id.registry.into(),
        vat_number: id.vat_number.into(),
        address: id.address.into(),
        postcode: id.postcode.into(),
        city: id.city.into(),
        phone: id.phone.into(),
        email: id.email.into(),
        building_work: true,
        insurer: "MAAF Assurances".into(),
        insurance_policy: "DEC-2026-118734".into(),
        insurance_cover: "France métropolitaine".into(),
        logo_file_id: None,
        accent_color: id.accent.into(),
        template: id.template.into(),
        header_text: "Devis établi pour {client_name}".into(),
        footer_text: "Merci de votre confiance.".into(),
        conditions_text: "Travaux réalisés selon les DTU en vigueur.".into(),
        payment_terms: "30 % à la signature, solde à réception de facture.".into(),
        validity_days: 30,
        reminders_enabled: true,
        reminder_days: "2,7".into(),
        allow_decline: true,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

fn priced(description: &str, quantity: i64, unit: Unit, price: i64, vat: VatRate) -> LineInput {
    LineInput {
        section: false,
        description: description.into(),
        quantity,
        unit,
        unit_price: price,
        vat,
        discount: Discount::None,
    }
}

/// A quote of `n` priced lines at three VAT rates, in sections of ten, with
/// a labour line and a travel line (benchmarks and PDF tests).
pub fn sample_draft(template: &str, n: usize) -> QuoteDraft {
    let mut lines = vec![
        priced("Main-d'œuvre plombier", 3_500, Unit::Hour, 4_500, VatRate::Intermediate),
        priced("Déplacement", 1_000, Unit::Flat, 3_500, VatRate::Intermediate),
    ];
    for i in 0..n.saturating_sub(2) {
        if i % 10 == 0 {
            lines.push(LineInput {
                section: true,
                description: format!("Lot {}", i / 10 + 1),
                ..LineInput::blank(VatRate::Standard)
            });
        }
        let vat = [VatRate::Reduced, VatRate::Intermediate, VatRate::Standard][i % 3];
        let mut l = priced(
            &format!("Fourniture et pose, article n° {i}"),
            1_000 + (i as i64 % 7) * 250,
            Unit::Piece,
            1_999 + i as i64 * 37,
            vat,
        );
        if i % 5 == 0 {
            l.discount = Discount::Percent(1_000);
        }
        lines.push(l);
    }
    QuoteDraft {
        title: "Rénovation de la salle de bain".into(),
        client: ClientInput {
            contact_id: None,
            name: "Famille Rousseau".into(),
            company: String::new(),
            email: "famille.rousseau@exemple.fr".into(),
            phone: "06 12 34 56 78".into(),
            address: "17 rue Victor-Hugo".into(),
            postcode: "69300".into(),
            city: "Caluire-et-Cuire".into(),
        },
        deal_id: None,
        site_address: "17 rue Victor-Hugo".into(),
        site_postcode: "69300".into(),
        site_city: "Caluire-et-Cuire".into(),
        lines,
        deposit: Deposit::Percent(3_000),
        valid_until: "2026-12-21".into(),
        payment_terms: "30 % à la signature, solde à réception de facture.".into(),
        notes: "Accès au chantier par la cour.".into(),
        free_quote: true,
        quote_fee: 0,
        template: template.into(),
        reminders_enabled: true,
    }
}
