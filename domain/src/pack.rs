//! Trade packs: the vertical a workspace switches on, with its default
//! pipelines and the words its people use.

use serde::{Deserialize, Serialize};

/// The vertical of a workspace, chosen at sign-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum TradePack {
    /// Building-trade artisans receiving leads (TravauxHub).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "artisan"))]
    Artisan,
    /// Powder-coating workshops (ThermoGestion).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "workshop"))]
    Workshop,
    /// Fitness coaches fed by an Instagram DM setter (Coach Setter).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "coach"))]
    Coach,
    /// B2B sales teams (Alforis).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sales"))]
    Sales,
}

/// Kind of a pipeline stage: cards in won/lost stages are closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum StageKind {
    /// Work in progress.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "open"))]
    Open,
    /// Closed, won.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "won"))]
    Won,
    /// Closed, lost.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "lost"))]
    Lost,
}

impl StageKind {
    /// Stable identifier used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<StageKind> {
        [StageKind::Open, StageKind::Won, StageKind::Lost]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// One default stage of a pack's pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageTemplate {
    /// Column title.
    pub name: &'static str,
    /// Hex colour of the column accent.
    pub color: &'static str,
    /// Open, won or lost.
    pub kind: StageKind,
    /// Win probability in percent, for weighted pipeline value.
    pub probability: u8,
    /// A deal moves here when its quote is sent.
    pub is_quote_stage: bool,
    /// The setter status (its key) whose prospects the feed moves here.
    pub setter_status: Option<&'static str>,
}

/// A default pipeline created with a new workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineTemplate {
    /// Pipeline title.
    pub name: &'static str,
    /// Ordered stages.
    pub stages: &'static [StageTemplate],
}

/// The words a pack uses for the core concepts, in French.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackLabels {
    /// An incoming request ("Demande de travaux", "Prospect"…).
    pub lead: String,
    /// The work done after a won deal ("Chantier", "Projet"…).
    pub job: String,
    /// The customer ("Client", "Prospect"…).
    pub contact: String,
    /// A person of the team ("Artisan", "Coach"…).
    pub member: String,
}

const fn stage(name: &'static str, color: &'static str, kind: StageKind, probability: u8) -> StageTemplate {
    StageTemplate {
        name,
        color,
        kind,
        probability,
        is_quote_stage: false,
        setter_status: None,
    }
}

/// A stage the setter feed moves the prospects of one status to.
const fn fed(
    name: &'static str,
    color: &'static str,
    kind: StageKind,
    probability: u8,
    status: &'static str,
) -> StageTemplate {
    StageTemplate {
        name,
        color,
        kind,
        probability,
        is_quote_stage: false,
        setter_status: Some(status),
    }
}

const fn quote_stage(name: &'static str, color: &'static str, probability: u8) -> StageTemplate {
    StageTemplate {
        name,
        color,
        kind: StageKind::Open,
        probability,
        is_quote_stage: true,
        setter_status: None,
    }
}

use StageKind::{Lost, Open, Won};

const ARTISAN_STAGES: &[StageTemplate] = &[
    stage("Nouveau", "#3b82f6", Open, 10),
    stage("En contact", "#06b6d4", Open, 30),
    quote_stage("Devis", "#8b5cf6", 60),
    stage("Gagné", "#10b981", Won, 100),
    stage("Perdu", "#ef4444", Lost, 0),
];

const WORKSHOP_STAGES: &[StageTemplate] = &[
    stage("Demande", "#3b82f6", Open, 10),
    quote_stage("Devis envoyé", "#8b5cf6", 50),
    stage("Relance", "#f59e0b", Open, 40),
    stage("Accepté", "#10b981", Won, 100),
    stage("Refusé", "#ef4444", Lost, 0),
];

const COACH_STAGES: &[StageTemplate] = &[
    fed("Nouveau", "#3b82f6", Open, 5, "new"),
    fed("Engagé", "#06b6d4", Open, 15, "engaged"),
    fed("Qualifié", "#8b5cf6", Open, 30, "qualified"),
    fed("Call proposé", "#a855f7", Open, 45, "call_proposed"),
    fed("Call réservé", "#f59e0b", Open, 65, "call_booked"),
    fed("Gagné", "#10b981", Won, 100, "won"),
    fed("Perdu", "#ef4444", Lost, 0, "lost"),
    fed("À relancer", "#f97316", Open, 10, "follow_up"),
];

const SALES_STAGES: &[StageTemplate] = &[
    stage("Prospect", "#3b82f6", Open, 10),
    stage("Qualification", "#06b6d4", Open, 25),
    quote_stage("Proposition", "#8b5cf6", 50),
    stage("Négociation", "#f59e0b", Open, 75),
    stage("Signé", "#10b981", Won, 100),
    stage("Perdu", "#ef4444", Lost, 0),
];

impl TradePack {
    /// Every pack, in the order the sign-up form shows them.
    pub const ALL: [TradePack; 4] = [
        TradePack::Artisan,
        TradePack::Workshop,
        TradePack::Coach,
        TradePack::Sales,
    ];

    /// Stable identifier used in storage and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            TradePack::Artisan => "artisan",
            TradePack::Workshop => "workshop",
            TradePack::Coach => "coach",
            TradePack::Sales => "sales",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<TradePack> {
        TradePack::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// Name shown in the interface.
    pub fn label(self) -> &'static str {
        match self {
            TradePack::Artisan => "Artisan du bâtiment",
            TradePack::Workshop => "Atelier de thermolaquage",
            TradePack::Coach => "Coach sportif",
            TradePack::Sales => "Équipe commerciale B2B",
        }
    }

    /// One sentence that helps choosing at sign-up.
    pub fn description(self) -> &'static str {
        match self {
            TradePack::Artisan => "Demandes de travaux, devis signés en ligne, chantiers.",
            TradePack::Workshop => "Devis au m², suivi de production, séries et poudres.",
            TradePack::Coach => "Prospects Instagram, relances et tableau de bord KPI.",
            TradePack::Sales => "Opportunités, propositions, contrats et renouvellements.",
        }
    }

    /// The pipelines a new workspace of this pack starts with.
    pub fn default_pipelines(self) -> &'static [PipelineTemplate] {
        match self {
            TradePack::Artisan => &[PipelineTemplate {
                name: "Demandes de travaux",
                stages: ARTISAN_STAGES,
            }],
            TradePack::Workshop => &[PipelineTemplate {
                name: "Devis atelier",
                stages: WORKSHOP_STAGES,
            }],
            TradePack::Coach => &[PipelineTemplate {
                name: "Prospects Instagram",
                stages: COACH_STAGES,
            }],
            TradePack::Sales => &[PipelineTemplate {
                name: "Ventes",
                stages: SALES_STAGES,
            }],
        }
    }

    /// Trades / categories suggested for leads.
    pub fn trades(self) -> &'static [&'static str] {
        match self {
            TradePack::Artisan => &[
                "Plomberie",
                "Électricité",
                "Chauffage",
                "Climatisation",
                "Menuiserie",
                "Maçonnerie",
                "Peinture",
                "Couverture",
                "Carrelage",
                "Serrurerie",
            ],
            TradePack::Workshop => &[
                "Jantes",
                "Portail et clôture",
                "Mobilier métallique",
                "Garde-corps",
                "Pièces industrielles",
                "Cadre de vélo",
            ],
            TradePack::Coach => &[
                "Perte de poids",
                "Prise de masse",
                "Remise en forme",
                "Préparation course",
                "Nutrition",
            ],
            TradePack::Sales => &["Conseil", "Formation", "Logiciel", "Audit", "Maintenance"],
        }
    }

    /// Usual reasons for a lost deal, offered when a card is dropped on a lost stage.
    pub fn lost_reasons(self) -> &'static [&'static str] {
        match self {
            TradePack::Coach => &[
                "Prix trop élevé",
                "Manque de temps",
                "Déjà essayé",
                "Hésitation",
                "Ne répond plus",
            ],
            _ => &[
                "Prix trop élevé",
                "Client injoignable",
                "Délai trop long",
                "Projet abandonné",
                "Concurrent choisi",
                "Hors zone ou hors compétence",
            ],
        }
    }

    /// Reason written on the other deals of a lead when one of them is won.
    pub fn sibling_lost_reason(self) -> String {
        format!("Attribué à un autre {}", self.labels().member.to_lowercase())
    }

    /// The words of this trade.
    pub fn labels(self) -> PackLabels {
        let (lead, job, contact, member) = match self {
            TradePack::Artisan => ("Demande de travaux", "Chantier", "Client", "Artisan"),
            TradePack::Workshop => ("Demande", "Projet", "Client", "Opérateur"),
            TradePack::Coach => ("Prospect", "Accompagnement", "Prospect", "Coach"),
            TradePack::Sales => ("Opportunité", "Contrat", "Contact", "Commercial"),
        };
        PackLabels {
            lead: lead.into(),
            job: job.into(),
            contact: contact.into(),
            member: member.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pack_round_trips_and_has_a_pipeline() {
        for pack in TradePack::ALL {
            assert_eq!(TradePack::parse(pack.as_str()), Some(pack));
            assert!(!pack.default_pipelines().is_empty());
        }
    }

    #[test]
    fn every_default_pipeline_starts_open_and_can_be_won_and_lost() {
        for pack in TradePack::ALL {
            for pipeline in pack.default_pipelines() {
                assert_eq!(pipeline.stages[0].kind, StageKind::Open, "{}", pipeline.name);
                assert!(pipeline.stages.iter().any(|s| s.kind == StageKind::Won));
                assert!(pipeline.stages.iter().any(|s| s.kind == StageKind::Lost));
                assert!(pipeline.stages.iter().all(|s| s.probability <= 100));
            }
        }
    }

    #[test]
    fn quoting_packs_have_one_quote_stage() {
        for pack in [TradePack::Artisan, TradePack::Workshop, TradePack::Sales] {
            let quote: Vec<_> = pack.default_pipelines()[0]
                .stages
                .iter()
                .filter(|s| s.is_quote_stage)
                .collect();
            assert_eq!(quote.len(), 1, "{pack:?}");
            assert_eq!(quote[0].kind, StageKind::Open);
        }
    }

    #[test]
    fn pack_stages_follow_the_specs() {
        let names = |p: TradePack| {
            p.default_pipelines()[0]
                .stages
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(TradePack::Artisan),
            ["Nouveau", "En contact", "Devis", "Gagné", "Perdu"]
        );
        assert_eq!(
            names(TradePack::Sales),
            [
                "Prospect",
                "Qualification",
                "Proposition",
                "Négociation",
                "Signé",
                "Perdu"
            ]
        );
        assert_eq!(names(TradePack::Coach).len(), 8);
    }
}
