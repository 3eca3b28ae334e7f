//! The board's toolbar: pipeline, filters and sort, all kept in the URL so
//! that they survive a reload; "Nouvelle demande".

use crate::domain::{MemberId, PipelineId};
use crate::pipeline::Board;
use crate::ui::{Button, Icon, IconName};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;

/// The board's URL parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardQuery {
    /// Pipeline.
    pub pipeline: Option<PipelineId>,
    /// Owner (membership id).
    pub owner: Option<MemberId>,
    /// Trade.
    pub trade: Option<String>,
    /// Score range.
    pub min_score: Option<u8>,
    /// Score range.
    pub max_score: Option<u8>,
    /// Text search.
    pub q: Option<String>,
    /// `score` to sort by lead score.
    pub sort: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl BoardQuery {
    /// From the URL.
    pub fn read(params: &ParamsMap) -> BoardQuery {
        BoardQuery {
            pipeline: params.get("pipeline").and_then(|v| v.parse().ok()),
            owner: params.get("owner").and_then(|v| v.parse().ok()),
            trade: non_empty(params.get("trade")),
            min_score: params.get("min_score").and_then(|v| v.parse().ok()),
            max_score: params.get("max_score").and_then(|v| v.parse().ok()),
            q: non_empty(params.get("q")),
            sort: non_empty(params.get("sort")),
        }
    }

    /// To a URL path with its query string.
    pub fn href(&self) -> String {
        let text = |v: Option<String>| v.unwrap_or_default();
        let values = [
            ("pipeline", text(self.pipeline.map(|v| v.to_string()))),
            ("owner", text(self.owner.map(|v| v.to_string()))),
            ("trade", text(self.trade.clone())),
            ("min_score", text(self.min_score.map(|v| v.to_string()))),
            ("max_score", text(self.max_score.map(|v| v.to_string()))),
            ("q", text(self.q.clone())),
            ("sort", text(self.sort.clone())),
        ];
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!("/app/pipeline{}", crate::ui::query_string(&pairs))
    }

    fn temperature(&self) -> &'static str {
        match (self.min_score, self.max_score) {
            (Some(70), None) => "hot",
            (Some(40), Some(69)) => "warm",
            (None, Some(39)) => "cold",
            (None, None) => "",
            _ => "custom",
        }
    }
}

const SELECT: &str = "field-input rounded-xl px-3 py-2 text-sm text-fg";

/// Filters, sort and actions above the board.
#[component]
pub fn Toolbar(board: Board, query: BoardQuery, on_new: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |q: BoardQuery| navigate(&q.href(), Default::default());
    // Changes start from the URL as it is now, not from the query this toolbar
    // was rendered with: two quick changes must not lose the first one.
    let url_query = leptos_router::hooks::use_query_map();
    let search = RwSignal::new(query.q.clone().unwrap_or_default());
    let show_filters = RwSignal::new(false);
    let filtered = query.owner.is_some()
        || query.trade.is_some()
        || query.min_score.is_some()
        || query.max_score.is_some()
        || query.q.is_some();
    let apply = {
        let go = go.clone();
        move |change: &dyn Fn(&mut BoardQuery)| {
            let mut q = url_query.with_untracked(BoardQuery::read);
            change(&mut q);
            go(q);
        }
    };
    // A select's change sets one part of the query and navigates.
    let on_change = |set: fn(&mut BoardQuery, String)| {
        let apply = apply.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            apply(&|q: &mut BoardQuery| set(q, v.clone()));
        }
    };
    let on_pipeline = on_change(|q, v| q.pipeline = v.parse().ok());
    let on_owner = on_change(|q, v| q.owner = v.parse().ok());
    let on_trade = on_change(|q, v| q.trade = non_empty(Some(v)));
    let on_score = on_change(|q, v| {
        (q.min_score, q.max_score) = match v.as_str() {
            "hot" => (Some(70), None),
            "warm" => (Some(40), Some(69)),
            "cold" => (None, Some(39)),
            _ => (None, None),
        };
    });
    let on_sort = on_change(|q, v| q.sort = non_empty(Some(v)));
    let on_search = {
        let apply = apply.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = search.get_untracked();
            apply(&|q: &mut BoardQuery| q.q = non_empty(Some(text.clone())));
        }
    };
    let pipeline_name = board
        .pipelines
        .iter()
        .find(|(id, _)| *id == board.pipeline_id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    let temperature = query.temperature();
    view! {
        <header class="mb-3 flex items-center justify-between gap-3">
            <div class="min-w-0">
                <h1 class="text-2xl font-bold tracking-tight text-fg sm:text-3xl">"Pipeline"</h1>
                <p class="mt-0.5 text-sm text-muted">{pipeline_name}</p>
            </div>
            <div class="flex flex-wrap items-center gap-2">
                {board
                    .can_configure
                    .then(|| {
                        view! {
                            <a
                                href="/app/pipeline/settings"
                                class="btn inline-flex items-center gap-2 rounded-xl px-3 py-2 text-sm font-medium text-fg hover:bg-white/10"
                                aria-label="Configurer les étapes"
                            >
                                <Icon name=IconName::Sliders />
                                <span class="hidden sm:inline">"Étapes"</span>
                            </a>
                        }
                    })}
                {board
                    .can_work
                    .then(|| {
                        view! {
                            <Button r#type="button" on_click=on_new testid="new-lead">
                                <Icon name=IconName::Plus />
                                <span class="sm:hidden">"Nouvelle"</span>
                                <span class="hidden sm:inline">{format!("Nouvelle {}", board.lead_label.to_lowercase())}</span>
                            </Button>
                        }
                    })}
            </div>
        </header>
        <form class="mb-4 flex flex-wrap items-end gap-2" role="search" on:submit=on_search data-testid="board-filters">
            <div class="flex min-w-0 flex-1 basis-48 gap-2">
                <label for="board-q" class="sr-only">"Rechercher un nom, une ville, un numéro"</label>
                <input
                    id="board-q"
                    type="search"
                    placeholder="Nom, ville, téléphone…"
                    class=format!("{SELECT} w-full")
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button
                    type="button"
                    class="btn inline-flex shrink-0 items-center gap-1.5 rounded-xl px-3 py-2 text-sm font-medium text-fg glass sm:hidden"
                    aria-expanded=move || if show_filters.get() { "true" } else { "false" }
                    aria-controls="board-filter-fields"
                    on:click=move |_| show_filters.update(|v| *v = !*v)
                >
                    <Icon name=IconName::Sliders />
                    {if filtered { "Filtres •" } else { "Filtres" }}
                </button>
            </div>
            <div
                id="board-filter-fields"
                class=move || {
                    if show_filters.get() { "flex w-full flex-wrap gap-2 sm:w-auto" } else { "hidden flex-wrap gap-2 sm:flex" }
                }
            >
            {(board.pipelines.len() > 1)
                .then(|| {
                    view! {
                        <label for="board-pipeline" class="sr-only">"Pipeline"</label>
                        <select id="board-pipeline" class=SELECT on:change=on_pipeline.clone()>
                            {board
                                .pipelines
                                .iter()
                                .map(|(id, name)| {
                                    view! { <option value=id.to_string() selected=*id == board.pipeline_id>{name.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                    }
                })}
            <label for="board-owner" class="sr-only">"Responsable"</label>
            <select id="board-owner" class=SELECT on:change=on_owner data-testid="filter-owner">
                <option value="">"Tous les responsables"</option>
                {board
                    .members
                    .iter()
                    .map(|(id, name)| view! { <option value=id.to_string() selected=Some(*id) == query.owner>{name.clone()}</option> })
                    .collect_view()}
            </select>
            <label for="board-trade" class="sr-only">"Métier"</label>
            <select id="board-trade" class=SELECT on:change=on_trade data-testid="filter-trade">
                <option value="">"Tous les métiers"</option>
                {board
                    .trades
                    .iter()
                    .map(|t| view! { <option value=t.clone() selected=query.trade.as_deref() == Some(t.as_str())>{t.clone()}</option> })
                    .collect_view()}
            </select>
            <label for="board-score" class="sr-only">"Score"</label>
            <select id="board-score" class=SELECT on:change=on_score data-testid="filter-score">
                <option value="" selected=temperature.is_empty()>"Tous les scores"</option>
                <option value="hot" selected=temperature == "hot">"Chauds (70 et plus)"</option>
                <option value="warm" selected=temperature == "warm">"Tièdes (40 à 69)"</option>
                <option value="cold" selected=temperature == "cold">"Froids (moins de 40)"</option>
                {(temperature == "custom")
                    .then(|| {
                        view! {
                            <option value="custom" selected=true>
                                {format!("Score {} à {}", query.min_score.unwrap_or(0), query.max_score.unwrap_or(100))}
                            </option>
                        }
                    })}
            </select>
            <label for="board-sort" class="sr-only">"Ordre des cartes"</label>
            <select id="board-sort" class=SELECT on:change=on_sort data-testid="sort">
                <option value="" selected=query.sort.is_none()>"Ordre de l'équipe"</option>
                <option value="score" selected=query.sort.as_deref() == Some("score")>"Meilleur score d'abord"</option>
            </select>
            {filtered
                .then(|| {
                    let reset = BoardQuery { pipeline: query.pipeline, sort: query.sort.clone(), ..BoardQuery::default() };
                    view! { <a href=reset.href() class="link px-2 py-2 text-sm">"Effacer les filtres"</a> }
                })}
            </div>
        </form>
    }
}
