//! Images in, grey pixels out: decoding with limits, finding the MRZ band, preparing it for OCR.
//! Pure functions over bytes and pixels: no file system, no UI, no OCR engine.

pub mod budget;
pub mod decode;
pub mod morph;
pub mod prepare;
pub mod zone;
