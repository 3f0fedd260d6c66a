//! The examination domain, UI-free and storage-free: manuals (checklists as data), inspections
//! (answers, machine pre-fills, outcomes), training (answer keys, packs, scoring) and the content
//! digests recorded with them.

pub mod digest;
pub mod inspection;
pub mod manual;
pub mod training;
