//! A sent quote: locked, with its status, dates, PDF and, once signed, the
//! verification of the signed document's fingerprint.

use super::parts::{QuoteBody, QuoteTotals, StatusBadge};
use crate::portal::api::verify_quote_signature;
use crate::quote::{QuoteStatus, QuoteView};
use crate::ui::{ButtonKind, GlassCard, PageHeader, button_class};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The read-only view.
#[component]
pub fn SentQuote(view: QuoteView) -> impl IntoView {
    let number = view.number.clone().unwrap_or_default();
    let title = if view.version > 1 {
        format!("Devis {number} (version {})", view.version)
    } else {
        format!("Devis {number}")
    };
    let client = view.draft.client.name.clone();
    let pdf = format!("/app/quotes/{}/pdf", view.id);
    let dates: Vec<(&str, String)> = [
        ("Envoyé", view.sent_at.clone()),
        ("Consulté", view.viewed_at.clone()),
        ("Signé", view.signed_at.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let signed = view.status == QuoteStatus::Signed;
    let id = view.id;
    let verification = RwSignal::new(None::<Result<crate::portal::Verification, String>>);
    let versioning = RwSignal::new(None::<String>);
    let new_version = move |_| {
        spawn_local(async move {
            match crate::quote::api::new_quote_version(id).await {
                Ok(new_id) => crate::ui::go(&format!("/app/quotes/{new_id}")),
                Err(e) => versioning.set(Some(e.to_string())),
            }
        })
    };
    let verify = move |_| {
        spawn_local(async move {
            verification.set(Some(verify_quote_signature(id).await.map_err(|e| e.to_string())));
        })
    };
    view! {
        <PageHeader title subtitle=format!("{client} — {}", view.draft.title)>
            <StatusBadge status=view.status />
            <a href=pdf target="_blank" rel="noopener" class=button_class(ButtonKind::Secondary)>
                {if signed { "PDF signé" } else { "PDF envoyé" }}
            </a>
        </PageHeader>
        <div class="alert-info mb-4 flex flex-wrap items-center justify-between gap-3 rounded-xl px-4 py-3 text-sm" role="note">
            <p>"Ce devis a été envoyé : il n'est plus modifiable. Toute modification passe par une nouvelle version, à faire signer de nouveau."</p>
            <button type="button" class=button_class(ButtonKind::Secondary) on:click=new_version data-testid="new-version">
                "Créer une nouvelle version"
            </button>
        </div>
        {move || versioning.get().map(|e| view! { <p role="alert" class="alert-danger mb-4 rounded-xl px-4 py-3 text-sm">{e}</p> })}
        <GlassCard class="mb-4">
            <dl class="flex flex-wrap gap-x-8 gap-y-2 text-sm" data-testid="quote-dates">
                {dates
                    .into_iter()
                    .map(|(label, value)| view! {
                        <div>
                            <dt class="text-muted">{label}</dt>
                            <dd class="font-medium text-fg">{value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
            {view.decline_reason.clone().map(|r| view! { <p class="mt-3 text-sm text-fg">{format!("Motif du refus : {r}")}</p> })}
        </GlassCard>
        {signed.then(|| view! {
            <crate::invoice::ui::QuoteBilling quote_id=id has_deposit=view.draft.deposit != crate::domain::quote_totals::Deposit::None lines=view.draft.lines.clone() />
        })}
        <GlassCard class="mb-4">
            <QuoteBody lines=view.draft.lines.clone() totals=view.totals.clone() />
            <QuoteTotals totals=view.totals.clone() deposit=view.draft.deposit />
        </GlassCard>
        <Show when=move || signed>
            <GlassCard class="mb-4">
                <h2 class="mb-2 text-lg font-semibold text-fg">"Preuve de signature"</h2>
                <p class="mb-3 text-sm text-muted">
                    "Recalcule l'empreinte SHA-256 du PDF présenté au client et la compare à celle enregistrée lors de la signature."
                </p>
                <button type="button" class=button_class(ButtonKind::Secondary) on:click=verify data-testid="verify-signature">
                    "Vérifier l'empreinte"
                </button>
                <div role="status" aria-live="polite" class="mt-3 text-sm">
                    {move || verification.get().map(|v| match v {
                        Ok(v) if v.matches => view! {
                            <p class="alert-success rounded-xl px-3 py-2 break-all" data-testid="verification-ok">
                                {format!("Conforme : signé par {} le {}. Empreinte {}", v.signer, v.signed_at, v.recomputed_sha256)}
                            </p>
                        }.into_any(),
                        Ok(v) => view! {
                            <p class="alert-danger rounded-xl px-3 py-2 break-all">
                                {format!("Non conforme : enregistrée {}, recalculée {}", v.recorded_sha256, v.recomputed_sha256)}
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p class="alert-danger rounded-xl px-3 py-2">{e}</p> }.into_any(),
                    })}
                </div>
            </GlassCard>
        </Show>
    }
}
