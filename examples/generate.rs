//! Placeholder: the feed generator (`cargo run --example generate -- --formations N`).
fn main() {}
