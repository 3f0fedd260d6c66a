//! One record in words: the listed fields of an inspection, administrative records described,
//! and a stored leaf laid out for reading.

use super::ListedRecord;
use super::fields::{InspectionLeaf, owned};
use crate::entry::{
    Actor, AuthFailed, EntryKind, Envelope, ExportEvent, ImportEvent, ImportRefused, LogCreated, PurgeEvent, Role,
    Settings,
};

/// A leaf (or any JSON) laid out for reading: two-space indents, keys in their stored order and
/// every value exactly as stored (re-serialising through a map would sort the keys). Bytes that
/// are not JSON come back as they are (invalid UTF-8 replaced).
pub fn pretty_json(json: &[u8]) -> String {
    let text = String::from_utf8_lossy(json);
    if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
        return text.into_owned();
    }
    fn new_line(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(text.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
                // An empty object or list stays on its line.
                if let Some(close) = chars.next_if(|c| matches!(c, '}' | ']')) {
                    out.push(close);
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                new_line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            // The text is valid JSON: whitespace outside strings carries nothing.
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fills in what `leaf` says.
pub(super) fn describe(mut record: ListedRecord, leaf: &[u8]) -> ListedRecord {
    let kind = EntryKind::parse(&record.kind);
    if kind == Some(EntryKind::Inspection) {
        return match serde_json::from_slice::<InspectionLeaf<'_>>(leaf) {
            Ok(inspection) => {
                let body = inspection.body;
                let document = body.document.as_ref();
                record.officer = owned(body.officer.as_ref());
                record.document_code = owned(document.and_then(|d| d.code.as_ref()));
                record.issuer = owned(document.and_then(|d| d.issuer.as_ref()));
                record.nationality = owned(document.and_then(|d| d.nationality.as_ref()));
                record.mrz_verdict = owned(body.mrz.as_ref().and_then(|m| m.verdict.as_ref()));
                record.outcome = body.decision.map(|d| d.outcome.as_str().to_owned());
                record
            }
            Err(_) => {
                record.description = Some("unreadable inspection record (run `docexam audit verify`)".into());
                record
            }
        };
    }
    record.description = Some(match kind {
        Some(kind) => describe_admin(kind, leaf)
            .unwrap_or_else(|| format!("unreadable {} record (run `docexam audit verify`)", kind.as_str())),
        None => format!("a {:?} record (a kind this docexam does not know)", record.kind),
    });
    record
}

pub(super) fn body<B: serde::de::DeserializeOwned>(leaf: &[u8]) -> Option<B> {
    serde_json::from_slice::<Envelope<B>>(leaf).ok().map(|e| e.body)
}

pub(super) fn actor(actor: &Actor) -> String {
    let role = match actor.role {
        Role::Officer => "officer",
        Role::Supervisor => "supervisor",
        Role::Trainer => "trainer",
    };
    match &actor.name {
        Some(name) => format!("{role} {name}"),
        None => role.to_owned(),
    }
}

/// An administrative record in words (never the passphrase hash).
pub(super) fn describe_admin(kind: EntryKind, leaf: &[u8]) -> Option<String> {
    Some(match kind {
        EntryKind::LogCreated => {
            let created: LogCreated = body(leaf)?;
            format!("log created for desk {} (docexam {})", created.desk, created.app_version)
        }
        EntryKind::Settings => {
            let settings: Settings = body(leaf)?;
            let changed = if settings.changed.is_empty() { "recorded".into() } else { settings.changed.join(", ") };
            format!("settings: {changed}; by {}", actor(&settings.by))
        }
        EntryKind::Export => {
            let export: ExportEvent = body(leaf)?;
            format!(
                "export of {} records as {}{} to {}; by {}",
                export.records,
                export.format,
                if export.personal_data { " with personal data" } else { "" },
                export.file,
                actor(&export.by)
            )
        }
        EntryKind::Purge => {
            let purge: PurgeEvent = body(leaf)?;
            match purge.range {
                Some((from, to)) => format!(
                    "purge before {}: personal data of {} record(s) in #{from}-#{to} removed; by {}",
                    purge.before,
                    purge.purged,
                    actor(&purge.by)
                ),
                None => format!("purge before {}: nothing to remove; by {}", purge.before, actor(&purge.by)),
            }
        }
        EntryKind::Import => {
            let import: ImportEvent = body(leaf)?;
            format!(
                "import of desk {} records #{}-#{}; by {}",
                import.desk,
                import.range.0,
                import.range.1,
                actor(&import.by)
            )
        }
        EntryKind::ImportRefused => {
            let refused: ImportRefused = body(leaf)?;
            format!("import of {} refused: {}; by {}", refused.file, refused.reason, actor(&refused.by))
        }
        EntryKind::AuthFailed => {
            let failed: AuthFailed = body(leaf)?;
            format!("wrong supervisor passphrase to {}; by {}", failed.action, actor(&failed.by))
        }
        EntryKind::Inspection => return None,
    })
}
