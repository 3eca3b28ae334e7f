//! Demo leads and deals for every trade pack, spread across the board's
//! stages with realistic French names, places and needs. Key dates are set
//! in the past so that scores, ages and member scores look lived-in.

use app::audit::{EventAction, EventEntity};
use app::domain::jobs::{JobStatus, Priority};
use app::domain::{StageKind, TradePack, WorkspaceId};
use app::infra::entity::{deal, job, lead, member, pipeline, stage};
use app::infra::{AppState, Audit, Write, time};
use app::pipeline::LeadSource;
use app::pipeline::leads::{insert_deal, insert_lead};
use chrono::TimeDelta;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

/// (name, city, postcode, need, budget in euros)
type Demand = (&'static str, &'static str, &'static str, &'static str, i64);

const ARTISAN: &[Demand] = &[
    (
        "Mme Claire Dubois",
        "Lyon",
        "69003",
        "Fuite sous l'évier de la cuisine, l'eau coule dans le placard depuis ce matin.",
        250,
    ),
    (
        "M. Karim Haddad",
        "Villeurbanne",
        "69100",
        "Remplacement d'un ballon d'eau chaude de 200 L, installation de 2009.",
        1800,
    ),
    (
        "Famille Rousseau",
        "Caluire-et-Cuire",
        "69300",
        "Rénovation complète de la salle de bain (douche à l'italienne, meuble double vasque).",
        9500,
    ),
    (
        "Mme Sophie Lambert",
        "Lyon",
        "69007",
        "WC qui fuit et chasse d'eau à changer.",
        300,
    ),
    (
        "M. Antoine Girard",
        "Bron",
        "69500",
        "Installation d'une pompe à chaleur air/eau en remplacement d'une chaudière fioul.",
        14000,
    ),
    (
        "SCI Les Tilleuls",
        "Vénissieux",
        "69200",
        "Colonne d'eau à reprendre dans un immeuble de 12 logements.",
        6200,
    ),
    (
        "Mme Nathalie Petit",
        "Écully",
        "69130",
        "Robinet thermostatique de douche bloqué, eau tiède seulement.",
        180,
    ),
    (
        "M. Thomas Bernard",
        "Lyon",
        "69006",
        "Création d'un point d'eau pour une cuisine ouverte.",
        1200,
    ),
    (
        "Mme Inès Moreau",
        "Oullins",
        "69600",
        "Désembouage du circuit de chauffage, radiateurs froids en haut.",
        650,
    ),
    (
        "M. Julien Faure",
        "Tassin-la-Demi-Lune",
        "69160",
        "Recherche de fuite sur canalisation encastrée, facture d'eau en hausse.",
        400,
    ),
    (
        "Mme Léa Garnier",
        "Lyon",
        "69008",
        "Remplacement de la chaudière gaz par une chaudière à condensation.",
        4200,
    ),
    (
        "M. Hugo Chevalier",
        "Saint-Priest",
        "69800",
        "Adoucisseur d'eau à installer sur l'arrivée principale.",
        1500,
    ),
    (
        "Mme Camille Roux",
        "Lyon",
        "69005",
        "Salle d'eau PMR pour un parent âgé, barres d'appui et douche plain-pied.",
        7800,
    ),
    (
        "M. Paul Mercier",
        "Décines-Charpieu",
        "69150",
        "Évacuation bouchée, odeurs dans la buanderie.",
        200,
    ),
];

const WORKSHOP: &[Demand] = &[
    (
        "Garage Duval Automobiles",
        "Vénissieux",
        "69200",
        "4 jantes alu 18 pouces, noir satiné, décapage compris.",
        520,
    ),
    (
        "Métallerie Perrin",
        "Saint-Fons",
        "69190",
        "Portail coulissant 4 m et portillon, RAL 7016 texturé.",
        1350,
    ),
    (
        "Mme Élodie Blanc",
        "Lyon",
        "69009",
        "Table et 6 chaises de jardin en fer forgé, vert anglais.",
        480,
    ),
    (
        "Restaurant Le Comptoir",
        "Lyon",
        "69002",
        "20 pieds de tables bistrot, noir mat, série identique.",
        900,
    ),
    (
        "Ateliers Bouvier",
        "Givors",
        "69700",
        "Pièces de carter industriel, 150 unités, époxy gris.",
        2600,
    ),
    (
        "M. Lucas Renard",
        "Villeurbanne",
        "69100",
        "Cadre de vélo vintage, bleu métallisé avec vernis.",
        260,
    ),
    (
        "Copropriété Bellevue",
        "Caluire-et-Cuire",
        "69300",
        "Garde-corps de 14 balcons, RAL 9005.",
        4800,
    ),
    (
        "M. Bruno Lefèvre",
        "Meyzieu",
        "69330",
        "Jantes acier de 2CV, 5 pièces, ivoire d'origine.",
        350,
    ),
    (
        "Société Alpiflex",
        "Saint-Priest",
        "69800",
        "Châssis métalliques de machines, 30 pièces, orange sécurité.",
        3900,
    ),
    (
        "Mme Agathe Marchand",
        "Lyon",
        "69004",
        "Radiateurs en fonte à décaper et thermolaquer, 6 éléments.",
        720,
    ),
    (
        "Boulangerie Fournier",
        "Bron",
        "69500",
        "Grilles et étagères de vitrine, blanc alimentaire.",
        640,
    ),
    (
        "M. Nicolas Giraud",
        "Rillieux-la-Pape",
        "69140",
        "Moto : cadre et bras oscillant, noir brillant.",
        590,
    ),
];

const COACH: &[Demand] = &[
    (
        "Manon Leroy (@manon.fit)",
        "Bordeaux",
        "33000",
        "Perdre 8 kg avant son mariage en juin, disponible le soir.",
        390,
    ),
    (
        "Yanis Benali (@yanis_lift)",
        "Mérignac",
        "33700",
        "Prise de masse, s'entraîne seul depuis 1 an sans progrès.",
        450,
    ),
    (
        "Chloé Martin (@chloe.runs)",
        "Pessac",
        "33600",
        "Préparer son premier semi-marathon en avril.",
        290,
    ),
    (
        "Sarah Dupont (@sarahdp)",
        "Talence",
        "33400",
        "Reprise du sport après une grossesse, 3 séances par semaine.",
        350,
    ),
    (
        "Maxime Colin (@max.colin)",
        "Bordeaux",
        "33800",
        "Remise en forme, travaille de nuit, horaires décalés.",
        320,
    ),
    (
        "Julie Robin (@julie.robin)",
        "Bègles",
        "33130",
        "Rééquilibrage alimentaire et renforcement musculaire.",
        400,
    ),
    (
        "Kevin Morel (@kev_morel)",
        "Le Bouscat",
        "33110",
        "Objectif 100 kg au développé couché.",
        480,
    ),
    (
        "Laura Fabre (@laura.fabre)",
        "Bordeaux",
        "33000",
        "Perte de poids, a déjà essayé deux programmes en ligne.",
        300,
    ),
    (
        "Alexandre Roy (@alex_roy)",
        "Gradignan",
        "33170",
        "Préparation physique pour un trail de 30 km.",
        350,
    ),
    (
        "Emma Lemoine (@emma.lmn)",
        "Bordeaux",
        "33300",
        "Renforcement du dos après des douleurs au bureau.",
        280,
    ),
    (
        "Hugo Barbier (@hugo.b)",
        "Mérignac",
        "33700",
        "Sèche avant l'été, alimentation à revoir.",
        420,
    ),
    (
        "Inès Vidal (@ines.vidal)",
        "Bordeaux",
        "33200",
        "Coaching en ligne, peu de temps, 30 minutes par séance.",
        250,
    ),
];

const SALES: &[Demand] = &[
    (
        "Groupe Hexalog — Mme Fontaine",
        "Paris",
        "75008",
        "Audit de la chaîne logistique et plan de réduction des coûts.",
        48000,
    ),
    (
        "Clinique Saint-Roch — M. Lebrun",
        "Montpellier",
        "34000",
        "Formation des cadres à la conduite du changement, 3 sessions.",
        18500,
    ),
    (
        "Biotech Nova — M. Caron",
        "Lyon",
        "69007",
        "Déploiement d'un logiciel de gestion documentaire, 120 licences.",
        36000,
    ),
    (
        "Mairie de Saint-Ouen — Mme Navarro",
        "Saint-Ouen-sur-Seine",
        "93400",
        "Accompagnement RGPD et registre des traitements.",
        12000,
    ),
    (
        "Transports Marchal — M. Marchal",
        "Rouen",
        "76000",
        "Maintenance annuelle du parc informatique, 45 postes.",
        15600,
    ),
    (
        "Agence Pixelune — Mme Perret",
        "Nantes",
        "44000",
        "Conseil en organisation commerciale, 6 jours.",
        9800,
    ),
    (
        "Coopérative Agrisud — M. Olivier",
        "Toulouse",
        "31000",
        "Audit énergétique de 3 sites de stockage.",
        27000,
    ),
    (
        "Cabinet Delorme Avocats — Me Delorme",
        "Paris",
        "75016",
        "Formation cybersécurité pour 25 collaborateurs.",
        7400,
    ),
    (
        "Hôtel Les Alizés — M. Fernandes",
        "Nice",
        "06000",
        "Logiciel de réservation et intégration au PMS.",
        21000,
    ),
    (
        "Fonderie Vallet — M. Vallet",
        "Saint-Étienne",
        "42000",
        "Conseil en amélioration continue (lean), 10 jours.",
        16500,
    ),
    (
        "Réseau Crèches Pom'Pouce — Mme Guérin",
        "Lille",
        "59000",
        "Audit qualité de 8 établissements.",
        14200,
    ),
];

fn demands(pack: TradePack) -> &'static [Demand] {
    match pack {
        TradePack::Artisan => ARTISAN,
        TradePack::Workshop => WORKSHOP,
        TradePack::Coach => COACH,
        TradePack::Sales => SALES,
    }
}

fn source(pack: TradePack, i: usize) -> LeadSource {
    match pack {
        TradePack::Coach => LeadSource::Instagram,
        TradePack::Artisan => [
            LeadSource::Marketplace,
            LeadSource::Phone,
            LeadSource::Form,
            LeadSource::Referral,
        ][i % 4],
        _ => [
            LeadSource::Email,
            LeadSource::Referral,
            LeadSource::Phone,
            LeadSource::Form,
        ][i % 4],
    }
}

fn phone(i: usize) -> String {
    let n = 600_000_000 + (i as u64 * 7_919_137) % 99_999_999;
    let digits = format!("0{n:09}");
    (0..5).map(|k| &digits[k * 2..k * 2 + 2]).collect::<Vec<_>>().join(" ")
}

fn email_of(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .replace(['é', 'è', 'ê'], "e")
        .replace(['à', 'â'], "a")
        .replace('ï', "i")
        .replace('ç', "c")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let parts: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|p| !["m", "mme", "me"].contains(p))
        .take(2)
        .collect();
    format!("{}@exemple.fr", parts.join("."))
}

/// Fills the workspace's first pipeline with demo leads and deals.
pub async fn fill(state: &AppState, workspace_id: Uuid, pack: TradePack, owner_name: &str) -> Result<(), String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let database = &state.db;
    let Some(pipe) = pipeline::Entity::find()
        .filter(pipeline::Column::WorkspaceId.eq(workspace_id))
        .order_by_asc(pipeline::Column::Position)
        .one(database)
        .await
        .map_err(err)?
    else {
        return Ok(());
    };
    let stages = stage::Entity::find()
        .filter(stage::Column::PipelineId.eq(pipe.id))
        .order_by_asc(stage::Column::Position)
        .all(database)
        .await
        .map_err(err)?;
    let members: Vec<Uuid> = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace_id))
        .filter(member::Column::Role.ne(app::domain::Role::Accounting))
        .order_by_asc(member::Column::CreatedAt)
        .all(database)
        .await
        .map_err(err)?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == StageKind::Open).collect();
    let won = stages.iter().find(|s| s.kind == StageKind::Won);
    let lost = stages.iter().find(|s| s.kind == StageKind::Lost);
    let reasons = pack.lost_reasons();
    let now = time::now();
    let w = Write::system(state, owner_name, Some(WorkspaceId(workspace_id)))
        .await
        .map_err(|e| e.to_string())?;
    let mut opened = Vec::new();
    for (i, (name, city, postcode, need, budget)) in demands(pack).iter().enumerate() {
        // Spread: most demands open (the first ones fresh), a few won, a few lost.
        let target = match i % 7 {
            5 => won,
            6 => lost,
            _ => open.get(i % open.len().max(1)).copied(),
        };
        let Some(target) = target else { continue };
        let hours_ago = [2, 5, 20, 30, 52, 75, 100, 140, 190, 260, 330, 420, 500, 620][i % 14] as i64;
        let created = now - TimeDelta::hours(hours_ago);
        let stage_index = stages.iter().position(|s| s.id == target.id).unwrap_or(0);
        let contacted = stage_index > 0;
        let l = lead::Model {
            id: Uuid::now_v7(),
            workspace_id,
            contact_name: name.to_string(),
            phone: (i % 5 != 3).then(|| phone(i)),
            email: (i % 3 != 1).then(|| email_of(name)),
            address: (i % 2 == 0).then(|| {
                format!(
                    "{} rue {}",
                    3 + i * 7,
                    ["Garibaldi", "des Lilas", "Victor-Hugo", "de la République"][i % 4]
                )
            }),
            postcode: Some(postcode.to_string()),
            city: Some(city.to_string()),
            latitude: None,
            longitude: None,
            trade: pack.trades()[i % pack.trades().len()].to_string(),
            description: need.to_string(),
            budget_cents: (i % 4 != 2).then_some(budget * 100),
            source: source(pack, i),
            request_id: None,
            created_at: created,
            updated_at: created,
        };
        insert_lead(&w, &l).await.map_err(|e| e.to_string())?;
        let closed = target.kind != StageKind::Open;
        let d = deal::Model {
            id: Uuid::now_v7(),
            workspace_id,
            lead_id: l.id,
            pipeline_id: pipe.id,
            stage_id: target.id,
            owner_member_id: members.get(i % members.len().max(1)).copied(),
            value_cents: budget * 100,
            position: (i as f64 + 1.0) * 1024.0,
            assigned_at: created,
            first_contact_at: contacted.then(|| created + TimeDelta::hours([1, 3, 8, 26][i % 4])),
            quote_sent_at: (contacted && stage_index >= 2).then(|| created + TimeDelta::hours(30)),
            closed_at: closed.then(|| created + TimeDelta::hours(hours_ago / 2)),
            lost_reason: (target.kind == StageKind::Lost).then(|| reasons[i % reasons.len()].to_string()),
            created_at: created,
            updated_at: created,
        };
        insert_deal(&w, &d).await.map_err(|e| e.to_string())?;
        if target.kind == StageKind::Won {
            // A won deal has its job, planned over the coming days.
            let id = Uuid::now_v7();
            let start = time::paris_day(now) + TimeDelta::days(opened.len() as i64);
            job::Entity::insert(job::ActiveModel {
                id: Set(id),
                workspace_id: Set(workspace_id),
                deal_id: Set(d.id),
                lead_id: Set(l.id),
                title: Set(format!("{} — {}", l.trade, l.contact_name)),
                status: Set(JobStatus::Planned),
                priority: Set(Priority::Normal),
                planned_start: Set(Some(start)),
                planned_end: Set(Some(start + TimeDelta::days(1))),
                promised_on: Set(Some(start + TimeDelta::days(3))),
                started_at: Set(None),
                finished_at: Set(None),
                created_at: Set(now),
            })
            .exec_without_returning(&w)
            .await
            .map_err(err)?;
            opened.push(app::jobs::open::Opened {
                job: id,
                owner: d.owner_member_id,
            });
        }
        // A lead sent to two members of the team: winning one loses the other.
        if pack == TradePack::Artisan && i == 2 && members.len() > 1 {
            let quote = stages.iter().find(|s| s.is_quote_stage).unwrap_or(target);
            let second = deal::Model {
                id: Uuid::now_v7(),
                owner_member_id: Some(members[1]),
                stage_id: quote.id,
                value_cents: budget * 95,
                position: 512.0,
                ..d.clone()
            };
            insert_deal(&w, &second).await.map_err(|e| e.to_string())?;
        }
        w.audit(
            Audit::of(EventEntity::Lead, Some(l.id), EventAction::LeadCreated)
                .after(json!({ "contact_name": l.contact_name, "trade": l.trade, "city": l.city, "deal_id": d.id })),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    app::jobs::open::equip(&w, workspace_id, &opened)
        .await
        .map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())
}
