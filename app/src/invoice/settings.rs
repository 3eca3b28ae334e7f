//! The invoicing settings of a workspace: one row, created with the French
//! defaults the first time anyone reads them.

use super::{ChartOfAccounts, DEFAULT_EARLY_DISCOUNT, DEFAULT_LATE_PENALTY, InvoiceSettings, Operation};
use crate::audit::{EventAction, EventEntity};
use crate::domain::Role;
use crate::domain::fec::Accounts;
use crate::domain::vat::VatRate;
use crate::error::{AppError, FieldErrors};
use crate::infra::entity::invoice_settings;
use crate::infra::{Audit, Scope, Write, time};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

/// Reminders of unpaid invoices, in days relative to the due date.
pub const DEFAULT_REMINDER_DAYS: &str = "-3,7,30";

/// The French defaults of a workspace that never saved its settings.
pub fn view_defaults(ws: Uuid) -> invoice_settings::Model {
    defaults(ws)
}

fn defaults(ws: Uuid) -> invoice_settings::Model {
    invoice_settings::Model {
        workspace_id: ws,
        operation: Operation::Services,
        due_days: 30,
        late_penalty: DEFAULT_LATE_PENALTY.into(),
        early_discount: DEFAULT_EARLY_DISCOUNT.into(),
        vat_on_debits: false,
        iban: String::new(),
        bic: String::new(),
        reminders_enabled: true,
        reminder_days: DEFAULT_REMINDER_DAYS.into(),
        updated_at: time::now(),
        account_clients: String::new(),
        account_services: String::new(),
        account_goods: String::new(),
        account_vat_standard: String::new(),
        account_vat_intermediate: String::new(),
        account_vat_reduced: String::new(),
        account_vat_super_reduced: String::new(),
        account_bank: String::new(),
    }
    .with_accounts(&ChartOfAccounts::default())
}

impl invoice_settings::Model {
    /// The row with these accounts.
    fn with_accounts(mut self, a: &ChartOfAccounts) -> Self {
        self.account_clients = a.clients.clone();
        self.account_services = a.services.clone();
        self.account_goods = a.goods.clone();
        self.account_vat_standard = a.vat_standard.clone();
        self.account_vat_intermediate = a.vat_intermediate.clone();
        self.account_vat_reduced = a.vat_reduced.clone();
        self.account_vat_super_reduced = a.vat_super_reduced.clone();
        self.account_bank = a.bank.clone();
        self
    }
}

/// The chart of accounts as saved.
pub fn chart(m: &invoice_settings::Model) -> ChartOfAccounts {
    ChartOfAccounts {
        clients: m.account_clients.clone(),
        services: m.account_services.clone(),
        goods: m.account_goods.clone(),
        vat_standard: m.account_vat_standard.clone(),
        vat_intermediate: m.account_vat_intermediate.clone(),
        vat_reduced: m.account_vat_reduced.clone(),
        vat_super_reduced: m.account_vat_super_reduced.clone(),
        bank: m.account_bank.clone(),
    }
}

/// The accounts the FEC's entries use.
pub fn accounts(m: &invoice_settings::Model) -> Accounts {
    let c = chart(m);
    Accounts {
        clients: c.clients,
        services: c.services,
        goods: c.goods,
        vat: vec![
            (VatRate::Standard, c.vat_standard),
            (VatRate::Intermediate, c.vat_intermediate),
            (VatRate::Reduced, c.vat_reduced),
            (VatRate::SuperReduced, c.vat_super_reduced),
        ],
        bank: c.bank,
    }
}

/// The workspace's settings (the defaults when never saved).
pub async fn load(db: &impl ConnectionTrait, ws: Uuid) -> Result<invoice_settings::Model, AppError> {
    Ok(invoice_settings::Entity::find_by_id(ws)
        .one(db)
        .await?
        .unwrap_or_else(|| defaults(ws)))
}

/// As the settings form shows them.
pub fn view(m: &invoice_settings::Model) -> InvoiceSettings {
    InvoiceSettings {
        operation: m.operation,
        due_days: m.due_days,
        late_penalty: m.late_penalty.clone(),
        early_discount: m.early_discount.clone(),
        vat_on_debits: m.vat_on_debits,
        iban: m.iban.clone(),
        bic: m.bic.clone(),
        reminders_enabled: m.reminders_enabled,
        reminder_days: m.reminder_days.clone(),
        accounts: Some(chart(m)),
    }
}

/// Days relative to the due date: "-3,7,30" → [-3, 7, 30] (at most 6, each within a year).
pub fn parse_reminder_days(value: &str) -> Result<Vec<i64>, &'static str> {
    let mut days = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d: i64 = part
            .parse()
            .map_err(|_| "Des nombres de jours séparés par des virgules (ex. -3,7,30).")?;
        if !(-60..=365).contains(&d) {
            return Err("Chaque relance tombe entre 60 jours avant et 365 jours après l'échéance.");
        }
        days.push(d);
    }
    if days.len() > 6 {
        return Err("Six relances au plus.");
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// An IBAN: country, check digits and the ISO 13616 mod-97 check.
pub fn iban_is_valid(iban: &str) -> bool {
    let compact: String = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !(15..=34).contains(&compact.len()) || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut rest: u32 = 0;
    for c in rearranged.chars() {
        let value = c.to_digit(36).unwrap_or(0);
        for digit in value.to_string().chars() {
            rest = (rest * 10 + digit.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rest == 1
}

/// Every malformed value, at its field.
pub fn check(s: &InvoiceSettings) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if !(0..=60).contains(&s.due_days) {
        errors.push("due_days", "Entre 0 et 60 jours (art. L441-10 du Code de commerce).");
    }
    if s.late_penalty.trim().is_empty() {
        errors.push("late_penalty", "Les pénalités de retard sont une mention obligatoire.");
    }
    if s.early_discount.trim().is_empty() {
        errors.push(
            "early_discount",
            "Indiquez l'escompte, ou « Pas d'escompte pour paiement anticipé ».",
        );
    }
    if !s.iban.trim().is_empty() && !iban_is_valid(&s.iban) {
        errors.push("iban", "IBAN invalide : vérifiez les chiffres.");
    }
    if s.bic.trim().len() > 11 {
        errors.push("bic", "Un BIC a 8 ou 11 caractères.");
    }
    if let Err(message) = parse_reminder_days(&s.reminder_days) {
        errors.push("reminder_days", message);
    }
    for (field, _, prefix, account) in s.accounts.iter().flat_map(ChartOfAccounts::fields) {
        let account = account.trim();
        if !(3..=12).contains(&account.len()) || !account.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(field, "Un numéro de compte : 3 à 12 chiffres.");
        } else if !account.starts_with(prefix) {
            errors.push(
                field,
                format!("Ce compte commence par {prefix} dans le plan comptable général."),
            );
        }
    }
    errors
}

/// Saves the settings.
pub async fn save(w: &Write, scope: &Scope, s: InvoiceSettings) -> Result<(), AppError> {
    scope.require(Role::can_issue_invoices)?;
    check(&s).into_result()?;
    let ws = scope.workspace_id.0;
    let existing = invoice_settings::Entity::find_by_id(ws).one(w).await?;
    let mut row = match &existing {
        Some(m) => m.clone().into_active_model(),
        None => defaults(ws).into_active_model().reset_all(),
    };
    row.operation = Set(s.operation);
    row.due_days = Set(s.due_days);
    row.late_penalty = Set(s.late_penalty.trim().into());
    row.early_discount = Set(s.early_discount.trim().into());
    row.vat_on_debits = Set(s.vat_on_debits);
    row.iban = Set(s
        .iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase());
    row.bic = Set(s.bic.trim().to_uppercase());
    row.reminders_enabled = Set(s.reminders_enabled);
    row.reminder_days = Set(s.reminder_days.trim().into());
    row.updated_at = Set(time::now());
    if let Some(a) = &s.accounts {
        row.account_clients = Set(a.clients.trim().into());
        row.account_services = Set(a.services.trim().into());
        row.account_goods = Set(a.goods.trim().into());
        row.account_vat_standard = Set(a.vat_standard.trim().into());
        row.account_vat_intermediate = Set(a.vat_intermediate.trim().into());
        row.account_vat_reduced = Set(a.vat_reduced.trim().into());
        row.account_vat_super_reduced = Set(a.vat_super_reduced.trim().into());
        row.account_bank = Set(a.bank.trim().into());
    }
    if existing.is_some() {
        row.update(w).await?;
    } else {
        row.insert(w).await?;
    }
    w.audit(
        Audit::of(
            EventEntity::InvoiceSettings,
            Some(ws),
            EventAction::InvoiceSettingsChanged,
        )
        .after(json!({ "due_days": s.due_days, "vat_on_debits": s.vat_on_debits, "accounts": s.accounts })),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_with_mod_97() {
        assert!(iban_is_valid("FR76 3000 6000 0112 3456 7890 189"));
        assert!(!iban_is_valid("FR76 3000 6000 0112 3456 7890 188"));
        assert!(!iban_is_valid("FR76"));
    }

    #[test]
    fn reminder_days_may_fall_before_the_due_date() {
        assert_eq!(parse_reminder_days("-3, 7,30"), Ok(vec![-3, 7, 30]));
        assert!(parse_reminder_days("x").is_err());
        assert!(parse_reminder_days("400").is_err());
    }
}
