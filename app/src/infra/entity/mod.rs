//! Database tables, one module each. Every tenant-owned table carries `workspace_id`.

pub mod auth_token;
pub mod business_profile;
pub mod catalogue_item;
pub mod contact;
pub mod deal;
pub mod email;
pub mod event;
pub mod event_chain;
pub mod file;
pub mod invitation;
pub mod job;
pub mod lead;
pub mod member;
pub mod note;
pub mod pipeline;
pub mod portal_token;
pub mod queue_job;
pub mod quote;
pub mod quote_counter;
pub mod quote_line;
pub mod quote_signature;
pub mod session;
pub mod stage;
pub mod user;
pub mod workspace;
