//! The XML layer: bytes → events. Decoding (encodings, byte order marks), quick-xml events
//! with what a conforming parser must check, positions, safety limits, and cutting a document
//! into segments for worker threads; gzip-compressed input, decompressed as it is read. It
//! knows nothing of LHEO.

pub mod counting;
pub mod decode;
pub mod error;
pub mod events;
pub mod gzip;
pub mod limits;
pub mod position;
pub mod split;
