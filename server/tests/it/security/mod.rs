//! The attacks of the security review, replayed over real HTTP against the
//! real router: each one got in before and must not any more.

mod headers;
mod identity;
mod mail;
mod memory;
mod races;
mod scale;
mod stale_rights;
