//! `/portal/:token`: the client reads the quote on any screen, downloads the
//! PDF, signs (name, email, the acceptance mention, a drawn signature) or
//! declines with a reason.

use super::PortalQuote;
use super::api::{DeclineQuote, SignQuote, fetch_portal_quote};
use crate::domain::Email;
use crate::error::{AppError, FieldErrors};
use crate::quote::ACCEPTANCE;
use crate::quote::ui::parts::{QuoteBody, QuoteTotals, StatusBadge};
use crate::ui::{
    Button, ButtonKind, Checkbox, ErrorState, FormAlert, GlassCard, LoadingState, SignaturePad, Strokes, TextField,
    button_class, export_png, field_error, focus_first_error, on_result,
};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The portal page.
#[component]
pub fn PortalPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let quote = Resource::new(token, fetch_portal_quote);
    view! {
        <Title text="Votre devis" />
        <main id="main" class="app-bg min-h-screen px-3 py-6 sm:px-6 sm:py-10">
            <div class="mx-auto max-w-3xl">
                <Suspense fallback=|| view! { <LoadingState label="Chargement du devis…" /> }>
                    {move || Suspend::new(async move {
                        match quote.await {
                            Ok(q) => view! { <PortalQuoteView initial=q token=token() /> }.into_any(),
                            Err(error) => view! { <Unavailable error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn Unavailable(error: AppError) -> impl IntoView {
    let known = matches!(error, AppError::NotFound);
    view! {
        <GlassCard>
            <h1 class="mb-3 text-xl font-bold text-fg">"Lien indisponible"</h1>
            {if known {
                view! {
                    <p class="text-sm text-muted">
                        "Ce lien a expiré ou n'est pas valide. Demandez à l'entreprise de vous renvoyer le devis."
                    </p>
                }
                    .into_any()
            } else {
                view! { <ErrorState error /> }.into_any()
            }}
        </GlassCard>
    }
}

#[component]
fn PortalQuoteView(initial: PortalQuote, token: String) -> impl IntoView {
    let current = RwSignal::new(initial);
    let pdf = StoredValue::new(format!("/portal/{token}/pdf"));
    view! {
        {move || {
            let q = current.get();
            let company = q.company.clone();
            let number = format!("Devis {}", q.number);
            let title = (!q.title.is_empty()).then(|| q.title.clone());
            let dates = format!("Envoyé le {} · valable jusqu'au {}", q.sent_on, q.valid_until);
            let status = q.status;
            let (lines, totals, deposit) = (q.lines.clone(), q.totals.clone(), q.deposit);
            let totals_again = totals.clone();
            let header = view! {
                <GlassCard class="mb-4">
                    <div class="flex flex-wrap items-start justify-between gap-3">
                        <div class="min-w-0">
                            <p class="text-sm font-semibold text-muted">{company}</p>
                            <h1 class="mt-1 text-2xl font-bold tracking-tight text-fg sm:text-3xl">{number}</h1>
                            {title.map(|t| view! { <p class="mt-1 text-base text-fg">{t}</p> })}
                            <p class="mt-2 text-sm text-muted">{dates}</p>
                        </div>
                        <StatusBadge status />
                    </div>
                    <div class="mt-4 flex flex-wrap gap-2">
                        <a href=pdf.get_value() class=button_class(ButtonKind::Secondary) download="">
                            "Télécharger le PDF"
                        </a>
                    </div>
                </GlassCard>
            };
            let detail = view! {
                <GlassCard class="mb-4">
                    <h2 class="mb-3 text-lg font-semibold text-fg">"Détail"</h2>
                    <QuoteBody lines totals />
                    <QuoteTotals totals=totals_again deposit />
                </GlassCard>
            };
            let documents = q.documents.clone();
            let jobs = q.jobs.clone();
            view! {
                {header}
                <Jobs jobs />
                <Documents documents />
                <Parties q=q.clone() />
                {detail}
                <Mentions q=q.clone() />
                <Outcome q />
            }
        }}
        <Show when=move || current.with(|q| q.can_sign)>
            <SignForm token=token.clone() current />
        </Show>
    }
}

/// The client's jobs: each step done (with its day) or to do, and the
/// photos the business shared.
#[component]
fn Jobs(jobs: Vec<crate::jobs::PortalJob>) -> impl IntoView {
    (!jobs.is_empty()).then(|| {
        view! {
            <GlassCard class="mb-4">
                <h2 class="mb-2 text-lg font-semibold text-fg">"Vos chantiers"</h2>
                {jobs.into_iter().map(|j| {
                    let done = j.steps.iter().filter(|(_, d)| d.is_some()).count();
                    let total = j.steps.len();
                    view! {
                        <section class="py-2" data-testid="portal-job" data-status=j.status.as_str()>
                            <h3 class="font-medium text-fg">{j.title}</h3>
                            <p class="text-sm text-muted">{format!("{} · {done} étape(s) sur {total}", j.status.label())}</p>
                            <ol class="mt-2 grid gap-1 text-sm">
                                {j.steps.into_iter().map(|(name, day)| {
                                    let state = if day.is_some() { "done" } else { "todo" };
                                    view! {
                                        <li class="flex items-center gap-2" data-testid="portal-job-step" data-state=state>
                                            <span aria-hidden="true">{if day.is_some() { "✓" } else { "○" }}</span>
                                            <span class="text-fg">{name}</span>
                                            <span class="text-muted">{day.map(|d| format!("fait le {d}")).unwrap_or_else(|| "à venir".into())}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                            {(!j.photos.is_empty()).then(|| view! {
                                <ul class="mt-3 grid grid-cols-3 gap-2">
                                    {j.photos.into_iter().map(|p| view! {
                                        <li>
                                            <a href=p.url target="_blank" rel="noopener" data-testid="portal-job-photo">
                                                <img src=p.thumb_url alt=format!("Photo {}", p.caption) loading="lazy"
                                                    class="aspect-square w-full rounded-xl object-cover" />
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            {j.report_url.map(|url| view! {
                                <p class="mt-3">
                                    <a class="link text-sm font-semibold" href=url target="_blank" rel="noopener" data-testid="portal-job-report">
                                        "Rapport de fin de chantier (PDF)"
                                    </a>
                                </p>
                            })}
                        </section>
                    }
                }).collect_view()}
            </GlassCard>
        }
    })
}

/// The client's quotes and invoices with this business, each with its PDF.
#[component]
fn Documents(documents: Vec<super::PortalDocument>) -> impl IntoView {
    (!documents.is_empty()).then(|| {
        view! {
            <GlassCard class="mb-4">
                <h2 class="mb-2 text-lg font-semibold text-fg">"Vos devis et factures"</h2>
                <ul class="divide-y divide-white/10" data-testid="portal-documents">
                    {documents
                        .into_iter()
                        .map(|d| {
                            let amount = crate::domain::money::format_eur(d.total_ttc);
                            let owed = (d.balance > 0)
                                .then(|| format!(" · reste {}", crate::domain::money::format_eur(d.balance)));
                            view! {
                                <li class="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="portal-document">
                                    <span class="min-w-0">
                                        <span class="block font-medium text-fg">{format!("{} {}", d.kind, d.number)}</span>
                                        <span class="block text-muted">{format!("{} · {}{}", d.date, d.status, owed.unwrap_or_default())}</span>
                                    </span>
                                    <span class="flex items-center gap-3">
                                        <span class="tabular-nums text-fg">{amount}</span>
                                        <a href=d.pdf class="underline" download="">
                                            "PDF"
                                            <span class="sr-only">{format!(" {} {}", d.kind, d.number)}</span>
                                        </a>
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </GlassCard>
        }
    })
}

#[component]
fn Parties(q: PortalQuote) -> impl IntoView {
    view! {
        <div class="mb-4 grid gap-4 sm:grid-cols-2">
            <GlassCard>
                <h2 class="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">"Entreprise"</h2>
                <p class="font-semibold text-fg">{q.company.clone()}</p>
                {q.company_lines.iter().map(|l| view! { <p class="text-sm text-fg">{l.clone()}</p> }).collect_view()}
                {(!q.insurance.is_empty()).then(|| view! { <p class="mt-2 text-xs text-muted">{q.insurance.clone()}</p> })}
            </GlassCard>
            <GlassCard>
                <h2 class="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">"Client"</h2>
                <p class="font-semibold text-fg">{q.client_name.clone()}</p>
                <p class="text-sm text-fg">{q.client_email.clone()}</p>
                {(!q.site.is_empty())
                    .then(|| view! { <p class="mt-2 text-sm text-fg">"Chantier : " {q.site.clone()}</p> })}
            </GlassCard>
        </div>
    }
}

#[component]
fn Mentions(q: PortalQuote) -> impl IntoView {
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-2 text-lg font-semibold text-fg">"Conditions"</h2>
            <p class="text-sm font-medium text-fg">{q.quote_price.clone()}</p>
            {(!q.payment_terms.is_empty())
                .then(|| view! { <p class="mt-2 whitespace-pre-line text-sm text-fg">{q.payment_terms.clone()}</p> })}
            {(!q.notes.is_empty())
                .then(|| view! { <p class="mt-2 whitespace-pre-line text-sm text-fg">{q.notes.clone()}</p> })}
            {(!q.conditions.is_empty())
                .then(|| view! { <p class="mt-2 whitespace-pre-line text-xs text-muted">{q.conditions.clone()}</p> })}
        </GlassCard>
    }
}

#[component]
fn Outcome(q: PortalQuote) -> impl IntoView {
    if let Some(s) = q.signature.clone() {
        return view! {
            <div role="status" class="alert-success mb-4 rounded-2xl px-4 py-4 text-sm" data-testid="signed">
                <p class="text-base font-semibold">"Devis signé — merci !"</p>
                <p class="mt-1">{format!("Signé le {} par {}.", s.signed_at, s.signer)}</p>
                <p class="mt-1 break-all text-xs">{format!("Empreinte SHA-256 du devis présenté : {}", s.pdf_sha256)}</p>
                <p class="mt-1">"Une copie signée vous a été envoyée par e-mail."</p>
            </div>
        }
        .into_any();
    }
    if let Some(reason) = q.decline_reason.clone() {
        return view! {
            <div role="status" class="alert-info mb-4 rounded-2xl px-4 py-4 text-sm">
                <p class="font-semibold">"Vous avez refusé ce devis."</p>
                <p class="mt-1">{format!("Motif : {reason}")}</p>
            </div>
        }
        .into_any();
    }
    (!q.closed_reason.is_empty())
        .then(|| {
            view! {
                <p role="status" class="alert-warning mb-4 rounded-2xl px-4 py-3 text-sm">
                    {q.closed_reason.clone()}
                </p>
            }
        })
        .into_any()
}

#[component]
fn SignForm(token: String, current: RwSignal<PortalQuote>) -> impl IntoView {
    let (client_name, client_email, can_decline) =
        current.with_untracked(|q| (q.client_name.clone(), q.client_email.clone(), q.can_decline));
    let name = RwSignal::new(client_name);
    let email = RwSignal::new(client_email);
    let accepted = RwSignal::new(false);
    let strokes = RwSignal::new(Strokes::new());
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<AppError>);
    let sign = ServerAction::<SignQuote>::new();
    on_result(sign, error, move |q| current.set(q));
    Effect::new(move |_| {
        if strokes.with(|s| !s.is_empty()) {
            crate::ui::clear_field(error, "signature");
        }
    });
    let token_for_sign = token.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = FieldErrors::new();
        if name.with_untracked(|n| n.trim().chars().count() < 2) {
            errors.push("signer_name", "Saisissez votre nom et prénom.");
        }
        errors.check("signer_email", Email::parse(&email.get_untracked()));
        if !accepted.get_untracked() {
            errors.push(
                "accepted",
                "Cochez la mention « Devis reçu avant l'exécution des travaux — bon pour accord ».",
            );
        }
        if strokes.with_untracked(|s| s.iter().map(Vec::len).sum::<usize>() < 2) {
            errors.push("signature", "Dessinez votre signature dans le cadre.");
        }
        if !errors.is_empty() {
            focus_first_error(&errors);
            error.set(Some(AppError::Validation(errors)));
            return;
        }
        error.set(None);
        sign.dispatch(SignQuote {
            token: token_for_sign.clone(),
            signer_name: name.get_untracked(),
            signer_email: email.get_untracked(),
            accepted: Some("true".into()),
            signature_png: export_png(canvas),
        });
    };
    let on_clear = move || {
        crate::ui::clear_field(error, "signer_name");
        crate::ui::clear_field(error, "signer_email");
    };
    view! {
        <GlassCard class="mb-4">
            <h2 class="mb-1 text-lg font-semibold text-fg">"Signer le devis"</h2>
            <p class="mb-4 text-sm text-muted">
                "Votre signature électronique engage, comme une signature manuscrite. Elle est horodatée et liée au PDF exact que vous avez reçu."
            </p>
            <form on:submit=on_submit novalidate>
                <FormAlert error />
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <TextField
                        label="Nom et prénom"
                        name="signer_name"
                        value=name
                        error=field_error(error, "signer_name")
                        autocomplete="name"
                        required=true
                        on_input=Callback::new(move |_| on_clear())
                    />
                    <TextField
                        label="E-mail"
                        name="signer_email"
                        kind="email"
                        value=email
                        error=field_error(error, "signer_email")
                        autocomplete="email"
                        required=true
                        on_input=Callback::new(move |_| on_clear())
                    />
                </div>
                <Checkbox name="accepted" checked=accepted error=field_error(error, "accepted")>
                    {format!("« {ACCEPTANCE} »")}
                </Checkbox>
                <SignaturePad strokes canvas error=field_error(error, "signature") />
                <Button testid="sign-quote" busy=sign.pending() class="w-full sm:w-auto">
                    "Signer le devis"
                </Button>
            </form>
        </GlassCard>
        <Show when=move || can_decline>
            <DeclineForm token=token.clone() current />
        </Show>
    }
}

#[component]
fn DeclineForm(token: String, current: RwSignal<PortalQuote>) -> impl IntoView {
    let token = StoredValue::new(token);
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let decline = ServerAction::<DeclineQuote>::new();
    on_result(decline, error, move |q| current.set(q));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if reason.with_untracked(|r| r.trim().chars().count() < 3) {
            let e = AppError::field("reason", "Indiquez en quelques mots pourquoi.");
            if let AppError::Validation(f) = &e {
                focus_first_error(f);
            }
            error.set(Some(e));
            return;
        }
        decline.dispatch(DeclineQuote {
            token: token.get_value(),
            reason: reason.get_untracked(),
        });
    };
    view! {
        <div class="mb-8 text-center">
            <Show
                when=move || open.get()
                fallback=move || {
                    view! {
                        <button type="button" class="link text-sm" on:click=move |_| open.set(true)>
                            "Je ne souhaite pas donner suite"
                        </button>
                    }
                }
            >
                <GlassCard class="text-left">
                    <form on:submit=on_submit novalidate>
                        <FormAlert error />
                        <label for="f-reason" class="block text-sm font-medium text-fg">
                            "Pourquoi refusez-vous ce devis ?"
                        </label>
                        <textarea
                            id="f-reason"
                            name="reason"
                            rows="3"
                            class="field-input mt-1.5 block w-full rounded-xl px-3.5 py-2.5 text-base text-fg sm:text-sm"
                            aria-invalid=move || if field_error(error, "reason").get().is_some() { "true" } else { "false" }
                            aria-describedby="f-reason-error"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                        <p id="f-reason-error" class="field-error mt-1 text-sm">
                            {move || field_error(error, "reason").get().unwrap_or_default()}
                        </p>
                        <div class="mt-3 flex gap-2">
                            <Button kind=ButtonKind::Danger busy=decline.pending()>
                                "Refuser le devis"
                            </Button>
                            <Button kind=ButtonKind::Ghost r#type="button" on_click=Callback::new(move |_| open.set(false))>
                                "Annuler"
                            </Button>
                        </div>
                    </form>
                </GlassCard>
            </Show>
        </div>
    }
}
