//! `/app/members`: members, roles and invitations.

use crate::domain::{Email, Role};
use crate::error::AppError;
use crate::ui::{
    Badge, Button, ButtonKind, EmptyState, ErrorState, FormAlert, GlassCard, IconName, LoadingState, PageHeader,
    SelectField, TextField, Tone, clear_field, field_error, on_result, use_toasts,
};
use crate::workspace::api::{ChangeMemberRole, InviteMember, RemoveMember, RevokeInvitation, list_members};
use crate::workspace::{InvitationRow, MemberRow};
use leptos::prelude::*;
use leptos_meta::Title;

fn role_tone(role: Role) -> Tone {
    match role {
        Role::Owner => Tone::Accent,
        Role::Admin => Tone::Info,
        Role::Member => Tone::Neutral,
        Role::Accounting => Tone::Warning,
    }
}

/// Members page.
#[component]
pub fn MembersPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| list_members());
    let reload = Callback::new(move |_| page.refetch());
    view! {
        <Title text="Membres" />
        <PageHeader title="Membres".to_string() subtitle="Qui travaille dans cet espace, et avec quels droits." />
        <Transition fallback=|| view! { <LoadingState rows=5 /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorState error retry=reload /> }.into_any(),
                    Ok(p) => {
                        let my_role = p.my_role;
                        view! {
                            <div class="grid gap-6 xl:grid-cols-3">
                                <div class="space-y-6 xl:col-span-2">
                                    <GlassCard>
                                        <h2 class="mb-4 text-lg font-semibold text-fg">
                                            {format!("Membres ({})", p.members.len())}
                                        </h2>
                                        <ul class="divide-y divide-line" data-testid="member-list">
                                            {p
                                                .members
                                                .into_iter()
                                                .map(|m| view! { <MemberItem member=m my_role reload /> })
                                                .collect_view()}
                                        </ul>
                                    </GlassCard>
                                    <Invitations list=p.invitations my_role reload />
                                </div>
                                {my_role
                                    .can_manage_members()
                                    .then(|| {
                                        view! {
                                            <div class="order-first xl:order-none">
                                                <InviteForm my_role reload />
                                            </div>
                                        }
                                    })}
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn MemberItem(member: MemberRow, my_role: Role, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let confirming = RwSignal::new(false);
    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) => {
            toasts.success("Rôle modifié.");
            reload.run(());
        }
        Some(Err(e)) => {
            toasts.error(e.to_string());
            reload.run(());
        }
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            toasts.success("Membre retiré de l'espace.");
            reload.run(());
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let editable = my_role.can_manage_members() && my_role.can_assign(member.role) && !member.is_me;
    let removable = editable || (member.is_me && member.role != Role::Owner);
    let member_id = member.id;
    let select_id = format!("role-{}", member.id);
    let label = format!("Rôle de {}", member.name);
    view! {
        <li class="flex flex-wrap items-center gap-x-3 gap-y-2 py-3" data-testid="member-row" data-email=member.email.clone()>
            <div class="flex min-w-0 flex-1 basis-64 items-center gap-3">
            <span
                class="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-blue-600 to-violet-600 text-sm font-bold text-white"
                aria-hidden="true"
            >
                {member.name.chars().next().unwrap_or('?').to_uppercase().to_string()}
            </span>
            <div class="min-w-0 flex-1">
                <p class="truncate font-medium text-fg">
                    <a href=format!("/app/members/{}", member.id) class="hover:underline">{member.name.clone()}</a>
                    {member.is_me.then(|| view! { <span class="text-muted">" (vous)"</span> })}
                </p>
                <p class="truncate text-sm text-muted">{member.email.clone()}</p>
            </div>
            </div>
            <div class="ml-13 flex flex-wrap items-center gap-2 sm:ml-0">
            {member.totp_enabled.then(|| view! { <Badge tone=Tone::Success>"2FA"</Badge> })}
            {if editable {
                view! {
                    <label for=select_id.clone() class="sr-only">
                        {label}
                    </label>
                    <select
                        id=select_id
                        class="field-input rounded-xl px-3 py-2 text-sm text-fg"
                        on:change=move |ev| {
                            change.dispatch(ChangeMemberRole { member_id, role: event_target_value(&ev) });
                        }
                    >
                        {Role::ALL
                            .into_iter()
                            .filter(|r| my_role.can_assign(*r))
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() selected=r == member.role>
                                        {r.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                }
                    .into_any()
            } else {
                view! { <Badge tone=role_tone(member.role)>{member.role.label()}</Badge> }.into_any()
            }}
            {removable
                .then(|| {
                    view! {
                        <Show
                            when=move || confirming.get()
                            fallback=move || {
                                view! {
                                    <Button
                                        kind=ButtonKind::Ghost
                                        r#type="button"
                                        on_click=Callback::new(move |_| confirming.set(true))
                                    >
                                        {if member.is_me { "Quitter" } else { "Retirer" }}
                                    </Button>
                                }
                            }
                        >
                            <Button
                                kind=ButtonKind::Danger
                                r#type="button"
                                busy=remove.pending()
                                on_click=Callback::new(move |_| {
                                    remove.dispatch(RemoveMember { member_id });
                                })
                            >
                                "Confirmer"
                            </Button>
                            <Button
                                kind=ButtonKind::Ghost
                                r#type="button"
                                on_click=Callback::new(move |_| confirming.set(false))
                            >
                                "Annuler"
                            </Button>
                        </Show>
                    }
                })}
            </div>
        </li>
    }
}

#[component]
fn Invitations(list: Vec<InvitationRow>, my_role: Role, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let revoke = ServerAction::<RevokeInvitation>::new();
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            toasts.success("Invitation annulée.");
            reload.run(());
        }
        Some(Err(e)) => toasts.error(e.to_string()),
        None => {}
    });
    let empty = list.is_empty();
    view! {
        <GlassCard>
            <h2 class="mb-2 text-lg font-semibold text-fg">"Invitations en attente"</h2>
            {if empty {
                view! {
                    <EmptyState
                        icon=IconName::Mail
                        title="Aucune invitation en attente"
                        message="Les invitations envoyées apparaissent ici jusqu'à leur acceptation."
                    />
                }
                    .into_any()
            } else {
                view! {
                    <ul class="divide-y divide-line" data-testid="invitation-list">
                        {list
                            .into_iter()
                            .map(|i| {
                                let id = i.id;
                                let can = my_role.can_manage_members() && my_role.can_assign(i.role);
                                view! {
                                    <li class="flex flex-wrap items-center gap-x-3 gap-y-2 py-3">
                                        <div class="min-w-0 flex-1 basis-60">
                                            <p class="truncate font-medium text-fg">{i.email.clone()}</p>
                                            <p class="text-xs text-muted">
                                                {format!("Invité par {} · valable jusqu'au {}", i.invited_by, i.expires_at)}
                                            </p>
                                        </div>
                                        <Badge tone=role_tone(i.role)>{i.role.label()}</Badge>
                                        {can
                                            .then(|| {
                                                view! {
                                                    <Button
                                                        kind=ButtonKind::Ghost
                                                        r#type="button"
                                                        on_click=Callback::new(move |_| {
                                                            revoke.dispatch(RevokeInvitation { invitation_id: id });
                                                        })
                                                    >
                                                        "Annuler"
                                                    </Button>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </GlassCard>
    }
}

#[component]
fn InviteForm(my_role: Role, reload: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let action = ServerAction::<InviteMember>::new();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Member.as_str().to_string());
    let error = RwSignal::new(None::<AppError>);
    on_result(action, error, move |_| {
        toasts.success(format!("Invitation envoyée à {}.", email.get_untracked()));
        email.set(String::new());
        reload.run(());
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(message) = Email::parse(&email.get_untracked()) {
            error.set(Some(AppError::field("email", message)));
            return;
        }
        error.set(None);
        action.dispatch(InviteMember {
            email: email.get_untracked(),
            role: role.get_untracked(),
        });
    };
    let options: Vec<(String, String)> = Role::ALL
        .into_iter()
        .filter(|r| my_role.can_assign(*r))
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect();
    view! {
        <GlassCard class="self-start">
            <h2 class="mb-1 text-lg font-semibold text-fg">"Inviter un membre"</h2>
            <p class="mb-4 text-sm text-muted">"La personne reçoit un lien valable 7 jours."</p>
            <form novalidate on:submit=on_submit data-testid="invite-form">
                <FormAlert error />
                <TextField
                    label="Adresse e-mail"
                    name="email"
                    kind="email"
                    autocomplete="off"
                    inputmode="email"
                    required=true
                    value=email
                    error=field_error(error, "email")
                    on_input=Callback::new(move |_| clear_field(error, "email"))
                />
                <SelectField label="Rôle" name="role" value=role options error=field_error(error, "role") />
                <Button class="w-full" busy=action.pending() testid="send-invitation">
                    "Envoyer l'invitation"
                </Button>
            </form>
        </GlassCard>
    }
}
