//! `/app/quotes/settings`: the legal identity printed on quotes, the
//! template and its zones, reminders, and the catalogue.

use super::catalogue::CatalogueCard;
use super::terms::TextArea;
use crate::error::AppError;
use crate::quote::api::{fetch_business_settings, save_business_settings};
use crate::quote::{BusinessSettings, TEMPLATES};
use crate::ui::{
    Button, Checkbox, ErrorState, FormAlert, GlassCard, LoadingState, PageHeader, SelectField, TextField, field_error,
    focus_first_error, use_toasts,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

/// The page.
#[component]
pub fn QuoteSettingsPage() -> impl IntoView {
    // Rendered by the browser (not hydrated), like the editor.
    let settings = LocalResource::new(fetch_business_settings);
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Title text="Identité et modèles de devis" />
        <PageHeader
            title="Identité et modèles de devis".to_string()
            subtitle="Les mentions légales imprimées sur chaque devis, le modèle et ses zones, les relances."
        />
        <Show when=move || mounted.get() fallback=|| view! { <LoadingState rows=8 /> }>
        <Suspense fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => {
                        let has_logo = s.has_logo;
                        view! { <SettingsForm initial=s /> <super::logo::LogoCard has_logo /> <CatalogueCard /> }.into_any()
                    }
                    Err(error) => view! { <ErrorState error /> }.into_any(),
                }
            })}
        </Suspense>
        </Show>
    }
}

#[component]
fn SettingsForm(initial: BusinessSettings) -> impl IntoView {
    let id = initial.identity.clone();
    let f = |v: &str| RwSignal::new(v.to_string());
    let (legal_name, legal_form, siret, registry, vat_number) = (
        f(&id.legal_name),
        f(&id.legal_form),
        f(&id.siret),
        f(&id.registry),
        f(&id.vat_number),
    );
    let (address, postcode, city) = (f(&id.address), f(&id.postcode), f(&id.city));
    let building_work = RwSignal::new(id.building_work);
    let (insurer, policy, cover) = (f(&id.insurer), f(&id.insurance_policy), f(&id.insurance_cover));
    let (phone, email, accent, template) = (
        f(&initial.phone),
        f(&initial.email),
        f(&initial.accent_color),
        f(&initial.template),
    );
    let (header, footer, conditions, terms) = (
        f(&initial.header_text),
        f(&initial.footer_text),
        f(&initial.conditions_text),
        f(&initial.payment_terms),
    );
    let validity = f(&initial.validity_days.to_string());
    let reminders = RwSignal::new(initial.reminders_enabled);
    let reminder_days = f(&initial.reminder_days);
    let allow_decline = RwSignal::new(initial.allow_decline);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toasts = use_toasts();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(days) = validity.get_untracked().trim().parse::<i32>() else {
            let e = AppError::field("validity_days", "Nombre de jours (exemple : 30).");
            if let AppError::Validation(fields) = &e {
                focus_first_error(fields);
            }
            error.set(Some(e));
            return;
        };
        let settings = BusinessSettings {
            identity: crate::domain::quote_check::LegalIdentity {
                legal_name: legal_name.get_untracked(),
                legal_form: legal_form.get_untracked(),
                siret: siret.get_untracked(),
                registry: registry.get_untracked(),
                vat_number: vat_number.get_untracked(),
                address: address.get_untracked(),
                postcode: postcode.get_untracked(),
                city: city.get_untracked(),
                building_work: building_work.get_untracked(),
                insurer: insurer.get_untracked(),
                insurance_policy: policy.get_untracked(),
                insurance_cover: cover.get_untracked(),
            },
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            accent_color: accent.get_untracked(),
            template: template.get_untracked(),
            header_text: header.get_untracked(),
            footer_text: footer.get_untracked(),
            conditions_text: conditions.get_untracked(),
            payment_terms: terms.get_untracked(),
            validity_days: days,
            reminders_enabled: reminders.get_untracked(),
            reminder_days: reminder_days.get_untracked(),
            allow_decline: allow_decline.get_untracked(),
            has_logo: false,
        };
        busy.set(true);
        spawn_local(async move {
            match save_business_settings(settings).await {
                Ok(saved) => {
                    error.set(None);
                    siret.set(saved.identity.siret);
                    vat_number.set(saved.identity.vat_number);
                    reminder_days.set(saved.reminder_days);
                    toasts.success("Identité et modèles enregistrés.");
                }
                Err(e) => {
                    if let AppError::Validation(fields) = &e {
                        focus_first_error(fields);
                    }
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let templates: Vec<(String, String)> = TEMPLATES.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let e = move |name: &'static str| field_error(error, name);
    view! {
        <form on:submit=on_submit novalidate>
            <FormAlert error />
            <div class="grid gap-4 lg:grid-cols-2">
                <GlassCard>
                    <h2 class="mb-4 text-lg font-semibold text-fg">"Entreprise"</h2>
                    <TextField label="Raison sociale" name="legal_name" value=legal_name error=e("legal_name") />
                    <div class="grid gap-x-4 sm:grid-cols-2">
                        <TextField label="Forme juridique" name="legal_form" value=legal_form error=e("legal_form") placeholder="SARL, EI, SAS…" />
                        <TextField label="SIRET" name="siret" value=siret error=e("siret") inputmode="numeric" />
                    </div>
                    <div class="grid gap-x-4 sm:grid-cols-2">
                        <TextField label="Immatriculation (RCS ou RM)" name="registry" value=registry error=e("registry") placeholder="RCS Lyon 123 456 789" />
                        <TextField label="N° de TVA intracommunautaire" name="vat_number" value=vat_number error=e("vat_number") />
                    </div>
                    <TextField label="Adresse du siège" name="address" value=address error=e("address") />
                    <div class="grid gap-x-4 sm:grid-cols-[8rem_1fr]">
                        <TextField label="Code postal" name="postcode" value=postcode error=e("postcode") inputmode="numeric" />
                        <TextField label="Ville" name="city" value=city error=e("city") />
                    </div>
                    <div class="grid gap-x-4 sm:grid-cols-2">
                        <TextField label="Téléphone" name="phone" kind="tel" value=phone error=e("phone") />
                        <TextField label="E-mail" name="email" kind="email" value=email error=e("email") />
                    </div>
                </GlassCard>
                <GlassCard>
                    <h2 class="mb-4 text-lg font-semibold text-fg">"Assurance et travaux"</h2>
                    <Checkbox name="building_work" checked=building_work error=Signal::derive(|| None::<String>)>
                        "Travaux de bâtiment (assurance décennale et adresse du chantier obligatoires)"
                    </Checkbox>
                    <TextField label="Assureur (décennale)" name="insurer" value=insurer error=e("insurer") />
                    <TextField label="N° de contrat" name="insurance_policy" value=policy error=e("insurance_policy") />
                    <TextField label="Couverture géographique" name="insurance_cover" value=cover error=e("insurance_cover") placeholder="France métropolitaine" />
                    <h2 class="mt-2 mb-4 text-lg font-semibold text-fg">"Envoi et relances"</h2>
                    <div class="grid gap-x-4 sm:grid-cols-2">
                        <TextField label="Validité (jours)" name="validity_days" value=validity error=e("validity_days") inputmode="numeric" />
                        <TextField label="Relances (jours après l'envoi)" name="reminder_days" value=reminder_days error=e("reminder_days") hint="Exemple : 2,7" />
                    </div>
                    <Checkbox name="reminders_enabled" checked=reminders error=Signal::derive(|| None::<String>)>
                        "Relancer les clients tant qu'ils n'ont pas signé"
                    </Checkbox>
                    <Checkbox name="allow_decline" checked=allow_decline error=Signal::derive(|| None::<String>)>
                        "Permettre au client de refuser le devis en ligne"
                    </Checkbox>
                </GlassCard>
            </div>
            <GlassCard class="mt-4">
                <h2 class="mb-4 text-lg font-semibold text-fg">"Modèle et zones"</h2>
                <div class="grid gap-x-4 sm:grid-cols-2">
                    <SelectField label="Modèle" name="template" value=template options=templates error=e("template") />
                    <TextField label="Couleur d'accent" name="accent_color" kind="color" value=accent error=e("accent_color") />
                </div>
                <p class="mb-3 text-xs text-muted">
                    "Champs dynamiques : {client_name}, {company}, {date}, {total}, {number}, {validity}."
                </p>
                <TextArea label="En-tête" name="header_text" value=header error=e("header_text") rows=2 />
                <TextArea label="Conditions générales" name="conditions_text" value=conditions error=e("conditions_text") rows=4 />
                <TextArea label="Conditions de paiement par défaut" name="payment_terms" value=terms error=e("payment_terms") />
                <TextArea label="Pied de page" name="footer_text" value=footer error=e("footer_text") rows=2 />
                <Button busy=busy>"Enregistrer"</Button>
            </GlassCard>
        </form>
    }
}
