//! Database tables, one module each. Every tenant-owned table carries `workspace_id`.

pub mod auth_token;
pub mod deal;
pub mod email;
pub mod event;
pub mod event_chain;
pub mod invitation;
pub mod job;
pub mod lead;
pub mod member;
pub mod note;
pub mod pipeline;
pub mod queue_job;
pub mod session;
pub mod stage;
pub mod user;
pub mod workspace;
