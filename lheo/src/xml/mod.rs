//! The XML layer: bytes → events. Decoding (encodings, byte order marks), quick-xml events
//! with what a conforming parser must check, positions, safety limits, and cutting a document
//! into segments for worker threads. It knows nothing of LHEO.

pub mod counting;
pub mod decode;
pub mod events;
pub mod split;
