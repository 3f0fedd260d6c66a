//! The hash chain: pure functions over leaf bytes, shared by appending, verifying a database,
//! verifying an export and importing one.
//!
//! `leaf_hash = SHA-256(0x00 ‖ leaf)` and `chain_i = SHA-256(0x01 ‖ chain_{i-1} ‖ leaf_hash_i)`,
//! with `chain_{-1}` = 32 zero bytes (the domain bytes are RFC 9162's, so a leaf hash can never
//! be passed off as a chain value). The leaf is stored and exported as the exact bytes hashed;
//! nothing is ever re-serialised to verify.
//!
//! A signed checkpoint commits to `(log id, size, chain head)`: see [`checkpoint_message`].

use sha2::{Digest as _, Sha256};

/// The chain value before the first record.
pub const GENESIS: [u8; 32] = [0; 32];

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// The chain value after appending a leaf whose hash is `leaf_hash` to a chain at `previous`.
pub fn next_link(previous: &[u8; 32], leaf_hash: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(previous);
    hasher.update(leaf_hash);
    hasher.finalize().into()
}

/// The exact bytes a checkpoint signature covers.
pub fn checkpoint_message(log_id: &str, size: u64, head: &[u8; 32]) -> Vec<u8> {
    format!("docexam audit checkpoint v1\nlog {log_id}\nsize {size}\nhead {}\n", docexam_exam::digest::to_hex(head))
        .into_bytes()
}

/// The chain head after `leaves`, starting from [`GENESIS`].
pub fn head_of<'a>(leaves: impl IntoIterator<Item = &'a [u8]>) -> [u8; 32] {
    leaves.into_iter().fold(GENESIS, |head, leaf| next_link(&head, &leaf_hash(leaf)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use docexam_exam::digest::to_hex;

    /// Known answers computed independently (Python: hashlib.sha256(b"\x00" + leaf) and
    /// hashlib.sha256(b"\x01" + prev + leaf_hash)), so a change of the scheme cannot go unnoticed.
    #[test]
    fn known_answers() {
        assert_eq!(to_hex(&leaf_hash(b"")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        let first = next_link(&GENESIS, &leaf_hash(b""));
        assert_eq!(to_hex(&first), "f458e643a4ef83a22e9d97a07f49eaf90fdeab1ce42427ce6da091237f83cd0d");
    }

    #[test]
    fn order_and_content_change_the_head() {
        let a: &[u8] = b"{\"seq\":0}";
        let b: &[u8] = b"{\"seq\":1}";
        assert_ne!(head_of([a, b]), head_of([b, a]));
        assert_ne!(head_of([a, b]), head_of([a]));
        assert_ne!(head_of([a]), head_of([&b"{\"seq\":0} "[..]]));
        assert_eq!(head_of([a, b]), next_link(&next_link(&GENESIS, &leaf_hash(a)), &leaf_hash(b)));
    }

    #[test]
    fn checkpoint_message_names_log_size_and_head() {
        let text = String::from_utf8(checkpoint_message("desk-1", 42, &[0xab; 32])).unwrap();
        assert_eq!(text, format!("docexam audit checkpoint v1\nlog desk-1\nsize 42\nhead {}\n", "ab".repeat(32)));
    }
}
