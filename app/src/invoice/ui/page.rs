//! `/app/invoices/:id`: a draft to complete and issue, or an issued invoice
//! with its PDF, payments and credit notes.

use super::editor::DraftEditor;
use super::issued::IssuedInvoice;
use super::parts::title_of;
use crate::domain::InvoiceId;
use crate::invoice::api::fetch_invoice;
use crate::ui::{ErrorState, LoadingState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The invoice page.
#[component]
pub fn InvoicePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.parse::<InvoiceId>().ok())));
    let loaded = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => fetch_invoice(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <LoadingState rows=8 /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorState error retry=Callback::new(move |_| loaded.refetch()) /> }.into_any(),
                    Ok(v) => {
                        let current = RwSignal::new(v);
                        view! {
                            <Title text=move || current.with(|v| title_of(v.kind, v.number.as_deref())) />
                            {move || {
                                if current.with(|v| v.editable) {
                                    view! { <DraftEditor current /> }.into_any()
                                } else {
                                    view! { <IssuedInvoice current /> }.into_any()
                                }
                            }}
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}
