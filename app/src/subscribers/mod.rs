//! Subscribers of the domain events (`infra::dispatch`): what reacts to a
//! committed change. Live pages today; workflows and webhooks plug in here.

pub mod live_pages;

use crate::infra::dispatch::{Subscriber, Subscribers};
use std::sync::Arc;

/// Every subscriber of this process, in delivery order.
pub fn all() -> Subscribers {
    let list: Vec<Arc<dyn Subscriber>> = vec![
        Arc::new(live_pages::LivePages),
        Arc::new(crate::marketplace::outcome::FirstSignedWins),
    ];
    Arc::new(list)
}
