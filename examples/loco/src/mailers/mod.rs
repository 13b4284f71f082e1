//! The app's mailers.

pub mod auth;
