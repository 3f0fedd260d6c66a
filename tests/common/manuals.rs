//! Shared helpers of the manual tests (`manuals`, `manual_cli`): the fixture manuals in
//! tests/fixtures/manuals and the content hash they are recorded with.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use sha2::Digest as _;

/// The repository (the binary's package folder).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path relative to the repository, as the CLI tests name it.
pub fn rel(name: &str) -> String {
    format!("tests/fixtures/manuals/{name}")
}

/// A fixture's full path.
pub fn fixture(name: &str) -> PathBuf {
    repo().join(rel(name))
}

/// SHA-256 of `bytes`, lower-case hex (a manual's content hash).
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
