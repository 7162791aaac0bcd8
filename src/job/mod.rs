//! Requests of both cloud APIs, parsed and validated into one internal [`spec::JobSpec`].

pub mod capabilities;
pub mod catalog;
pub mod error;
mod ice;
mod imm;
mod output;
pub mod overlays;
mod reader;
pub mod spec;
pub mod validate;
