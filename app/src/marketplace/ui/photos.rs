//! The photos of a public request, as thumbnails that open the full picture.

use leptos::prelude::*;

/// Thumbnails of a request's photos (nothing when there are none).
#[component]
pub fn RequestPhotos(photos: Vec<String>) -> impl IntoView {
    let count = photos.len();
    (count > 0).then(|| {
        view! {
            <section aria-label="Photos de la demande" data-testid="request-photos">
                <h3 class="mb-2 text-sm font-semibold text-fg">{format!("Photos ({count})")}</h3>
                <ul class="grid grid-cols-3 gap-2 sm:grid-cols-5">
                    {photos
                        .into_iter()
                        .enumerate()
                        .map(|(i, href)| {
                            let src = href.clone();
                            view! {
                                <li>
                                    <a href=href target="_blank" rel="noopener" class="block overflow-hidden rounded-xl border border-line focus-visible:outline focus-visible:outline-2">
                                        <img src=src alt=format!("Photo {} de la demande (ouvre l'image entière)", i + 1) loading="lazy" decoding="async" width="160" height="120" class="aspect-[4/3] h-auto w-full object-cover" />
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}
