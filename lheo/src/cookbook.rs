//! Recipes: the library at work on the jobs integrators do.
//!
//! Each recipe is a program of `lheo/examples/`, shown whole below. The tests run every one of
//! them on the project's fixtures and check what it returns (`lheo/tests/cookbook.rs`), so
//! what you read here works. Run one with `cargo run -p lheo --example NAME -- ARGS` from the
//! repository.
//!
//! | recipe | what it shows |
//! |---|---|
//! | [Stream a feed](#stream-a-feed) | [`Reader`](crate::reader::Reader): records one at a time, a truncated feed as an `Err` |
//! | [Validate with a profile](#validate-with-a-profile) | [`validate`](crate::validate::validate), [`Profile`](crate::Profile), the findings |
//! | [Build a feed in code](#build-a-feed-in-code) | the [`model`](crate::model), [`validate_document`](crate::validate::validate_document), [`write_document`](crate::writer::write_document) |
//! | [Convert a feed](#convert-a-feed) | [`convert`](crate::convert::convert) (LHEO 2.0–2.3 or a workbook to 2.3, one pass), atomic output |
//! | [Diff two feeds](#diff-two-feeds) | [`diff`](crate::diff::diff), changes as they are found |
//! | [Export and import a workbook](#export-and-import-a-workbook) | `workbook::export`, `workbook::read_workbook` (feature `workbook`) |
//! | [Check codes against referentials](#check-codes-against-referentials) | [`Referentiels`](crate::referentiels::Referentiels), the `REF-*` rules |
//!
//! Every operation that can fail returns [`lheo::Error`](crate::Error): the recipes use `?`
//! and let `main` print it. Findings about a feed's content are not errors: they are the
//! [`Diagnostic`](crate::Diagnostic)s of a report.
//!
//! # Stream a feed
//!
//! `examples/stream_feed.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/stream_feed.rs")]
//! ```
//!
//! # Validate with a profile
//!
//! `examples/validate_profile.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/validate_profile.rs")]
//! ```
//!
//! # Build a feed in code
//!
//! `examples/build_feed.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/build_feed.rs")]
//! ```
//!
//! # Convert a feed
//!
//! `examples/convert.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/convert.rs")]
//! ```
//!
//! # Diff two feeds
//!
//! `examples/diff_feeds.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/diff_feeds.rs")]
//! ```
//!
//! # Export and import a workbook
//!
//! `examples/workbook.rs` (feature `workbook`, on by default)
//!
#![cfg_attr(feature = "workbook", doc = "```rust,no_run")]
#![cfg_attr(not(feature = "workbook"), doc = "```rust,ignore")]
#![doc = include_str!("../examples/workbook.rs")]
//! ```
//!
//! # Check codes against referentials
//!
//! `examples/referentiels.rs`
//!
//! ```rust,no_run
#![doc = include_str!("../examples/referentiels.rs")]
//! ```
