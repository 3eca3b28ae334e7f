//! `/app/accounting`: the FEC of a period for the accountant, and the
//! invoicing settings with the accounts its entries use.

use crate::ui::{ButtonKind, GlassCard, PageHeader, button_class};
use leptos::prelude::*;
use leptos_meta::Title;

/// The accounting page.
#[component]
pub fn AccountingPage() -> impl IntoView {
    let year = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        year.set(format!("{}", js_sys_year()));
    });
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let href = move || {
        let y = year.get();
        let (f, t) = (from.get(), to.get());
        let f = if f.is_empty() && !y.is_empty() {
            format!("{y}-01-01")
        } else {
            f
        };
        let t = if t.is_empty() && !y.is_empty() {
            format!("{y}-12-31")
        } else {
            t
        };
        format!("/app/accounting/fec?from={f}&to={t}")
    };
    view! {
        <Title text="Comptabilité" />
        <PageHeader title="Comptabilité".to_string() subtitle="Le fichier des écritures comptables (FEC) de vos ventes et encaissements, pour votre expert-comptable.">
            <a href="/app/invoices" class=button_class(ButtonKind::Secondary)>"Factures"</a>
        </PageHeader>
        <GlassCard class="mb-4">
            <h2 class="mb-3 text-lg font-semibold text-fg">"Exporter le FEC et les listes"</h2>
            <p class="mb-4 text-sm text-muted">
                "Journal des ventes (factures et avoirs émis) et journal de banque (paiements reçus), écritures équilibrées et lettrées par facture. Format : SIRENFECAAAAMMJJ.txt, 18 colonnes séparées par des tabulations."
            </p>
            <form method="get" action="/app/accounting/fec" class="flex flex-wrap items-end gap-3">
                <div>
                    <label for="fec-from" class="mb-1 block text-sm text-fg">"Du"</label>
                    <input id="fec-from" name="from" type="date" required class="field-input rounded-xl px-3 py-2 text-fg"
                        prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev)) />
                </div>
                <div>
                    <label for="fec-to" class="mb-1 block text-sm text-fg">"Au"</label>
                    <input id="fec-to" name="to" type="date" required class="field-input rounded-xl px-3 py-2 text-fg"
                        prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class=button_class(ButtonKind::Primary) data-testid="download-fec">
                    "Télécharger le FEC"
                </button>
                <button type="submit" formaction="/app/accounting/invoices.csv" class=button_class(ButtonKind::Secondary)>
                    "Factures (CSV)"
                </button>
                <button type="submit" formaction="/app/accounting/payments.csv" class=button_class(ButtonKind::Secondary)>
                    "Paiements (CSV)"
                </button>
                <a href=href class="text-sm underline" data-testid="fec-this-year">"Année civile en cours"</a>
            </form>
        </GlassCard>
        <super::settings::InvoiceSettingsCard />
    }
}

#[cfg(feature = "hydrate")]
fn js_sys_year() -> u32 {
    // The browser's year (a default only: the server checks the period).
    let now = web_sys::js_sys::Date::new_0();
    now.get_full_year()
}
