//! The XML layer: bytes → events. Decoding (encodings, byte order marks), quick-xml events
//! with what a conforming parser must check, names as XML 1.0 and libxml2 define them,
//! positions, safety limits, and cutting a document into segments for worker threads;
//! gzip-compressed input, decompressed as it is read. It knows nothing of LHEO.

pub mod counting;
pub mod decode;
pub(crate) mod elide;
pub mod error;
pub mod events;
pub mod gzip;
pub mod limits;
mod lines;
pub(crate) mod names;
pub mod position;
pub mod split;
pub(crate) mod swar;
