//! The fields of a leaf that listings and statistics read: borrowed from the leaf, leniently
//! (unknown keys ignored, missing ones absent), everything else skipped by serde.

use std::borrow::Cow;

use serde::Deserialize;

/// A string field of a leaf, borrowed from the leaf when it has no escapes.
#[derive(Debug)]
pub(super) struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl Text<'_> {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

pub(super) fn owned(text: Option<&Text<'_>>) -> Option<String> {
    text.map(|t| t.as_str().to_owned())
}

/// The inspection fields a listing shows; everything else in the leaf is skipped.
#[derive(Debug, Deserialize)]
pub(super) struct InspectionLeaf<'a> {
    #[serde(borrow)]
    pub(super) body: InspectionFields<'a>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InspectionFields<'a> {
    #[serde(borrow, default)]
    pub(super) officer: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(super) document: Option<DocumentFields<'a>>,
    #[serde(borrow, default)]
    pub(super) mrz: Option<MrzFields<'a>>,
    #[serde(borrow, default)]
    pub(super) decision: Option<DecisionFields<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DocumentFields<'a> {
    #[serde(borrow, default)]
    pub(super) code: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(super) issuer: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(super) nationality: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MrzFields<'a> {
    #[serde(borrow, default)]
    pub(super) verdict: Option<Text<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionFields<'a> {
    #[serde(borrow)]
    pub(super) outcome: Text<'a>,
}
