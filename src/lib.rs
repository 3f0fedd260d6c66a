//! docexam: examine travel documents.
//!
//! The library is the UI-free core (see `ARCHITECTURE.md`); the `docexam` binary is a thin CLI and
//! GUI shell over it.

#[cfg(feature = "gui")]
pub mod app;
pub mod audit;
pub mod digest;
pub mod imaging;
pub mod inspection;
pub mod manual;
pub mod mrz;
#[cfg(feature = "ocr")]
pub mod ocr;
#[cfg(feature = "ocr")]
pub mod scan;
pub mod synth;
pub mod training;
