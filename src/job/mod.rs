//! Requests of both cloud APIs, parsed and validated into one internal [`spec::JobSpec`].

pub mod catalog;
pub mod error;
pub mod spec;
pub mod validate;
