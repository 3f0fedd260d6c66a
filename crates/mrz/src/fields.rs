//! Field and check identifiers, and the typed values decoded from MRZ fields.

use std::fmt;

use serde::Serialize;

use super::countries::{self, CodeCategory, CountryInfo};

/// Every field docexam decodes. Not every format has every field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldId {
    /// Document code (`P<`, `I<`, `V<`, `ID`...).
    DocumentCode,
    /// Issuing state or organisation.
    IssuingState,
    /// Primary and secondary identifiers (ICAO formats).
    Name,
    /// Surname (French identity card).
    Surname,
    /// Given names (French identity card).
    GivenNames,
    /// Administrative code (French identity card, line 1 positions 31-36).
    AdministrativeCode,
    /// Document number (reassembled when it overflows into the optional data).
    DocumentNumber,
    /// Nationality.
    Nationality,
    /// Date of birth.
    DateOfBirth,
    /// Sex.
    Sex,
    /// Date of expiry.
    DateOfExpiry,
    /// Optional data (TD3: personal number; TD1: line 1 after the document number).
    OptionalData,
    /// TD1 line 2 optional data.
    OptionalData2,
}

impl FieldId {
    /// The stable snake_case name used in JSON and vectors.
    pub const fn key(self) -> &'static str {
        match self {
            FieldId::DocumentCode => "document_code",
            FieldId::IssuingState => "issuing_state",
            FieldId::Name => "name",
            FieldId::Surname => "surname",
            FieldId::GivenNames => "given_names",
            FieldId::AdministrativeCode => "administrative_code",
            FieldId::DocumentNumber => "document_number",
            FieldId::Nationality => "nationality",
            FieldId::DateOfBirth => "date_of_birth",
            FieldId::Sex => "sex",
            FieldId::DateOfExpiry => "date_of_expiry",
            FieldId::OptionalData => "optional_data",
            FieldId::OptionalData2 => "optional_data_2",
        }
    }

    /// A label for people.
    pub const fn label(self) -> &'static str {
        match self {
            FieldId::DocumentCode => "document code",
            FieldId::IssuingState => "issuing state",
            FieldId::Name => "name",
            FieldId::Surname => "surname",
            FieldId::GivenNames => "given names",
            FieldId::AdministrativeCode => "administrative code",
            FieldId::DocumentNumber => "document number",
            FieldId::Nationality => "nationality",
            FieldId::DateOfBirth => "date of birth",
            FieldId::Sex => "sex",
            FieldId::DateOfExpiry => "date of expiry",
            FieldId::OptionalData => "optional data",
            FieldId::OptionalData2 => "optional data (line 2)",
        }
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Every check digit docexam verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// Over the document number.
    DocumentNumber,
    /// Over the date of birth.
    DateOfBirth,
    /// Over the date of expiry.
    DateOfExpiry,
    /// Over the TD3 personal number / optional data.
    OptionalData,
    /// Over most of the MRZ (upper and middle lines for TD1).
    Composite,
}

impl CheckId {
    /// The stable snake_case name used in JSON and vectors.
    pub const fn key(self) -> &'static str {
        match self {
            CheckId::DocumentNumber => "document_number",
            CheckId::DateOfBirth => "date_of_birth",
            CheckId::DateOfExpiry => "date_of_expiry",
            CheckId::OptionalData => "optional_data",
            CheckId::Composite => "composite",
        }
    }

    /// A label for people.
    pub const fn label(self) -> &'static str {
        match self {
            CheckId::DocumentNumber => "document number check digit",
            CheckId::DateOfBirth => "date of birth check digit",
            CheckId::DateOfExpiry => "date of expiry check digit",
            CheckId::OptionalData => "optional data check digit",
            CheckId::Composite => "composite check digit",
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What kind of document the document code says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// `P`: passport.
    Passport,
    /// `V`: visa.
    Visa,
    /// `I` on TD1/TD2: identity card.
    IdentityCard,
    /// `AC`: crew member certificate.
    CrewMemberCertificate,
    /// `A` or `C` (other than `AC`) on TD1/TD2: other official travel document.
    OfficialTravelDocument,
    /// A first letter ICAO does not define for this format.
    Nonstandard,
}

impl DocumentKind {
    /// From the two code characters and the format's family.
    pub fn classify(code: [u8; 2], is_td3: bool, is_visa: bool) -> Self {
        match (code[0], code[1]) {
            (b'V', _) if is_visa => DocumentKind::Visa,
            (b'P', _) if is_td3 => DocumentKind::Passport,
            (b'I', _) if !is_td3 && !is_visa => DocumentKind::IdentityCard,
            (b'A', b'C') if !is_td3 && !is_visa => DocumentKind::CrewMemberCertificate,
            (b'A' | b'C', _) if !is_td3 && !is_visa => DocumentKind::OfficialTravelDocument,
            _ => DocumentKind::Nonstandard,
        }
    }

    /// The kind in words, with the passport type letter explained (ICAO 9303 Part 4 §4.4).
    pub fn describe(self, code: [u8; 2]) -> String {
        match self {
            DocumentKind::Passport => {
                let type_letter = match code[1] {
                    b'P' => "ordinary",
                    b'E' => "emergency",
                    b'D' => "diplomatic",
                    b'O' => "official or service",
                    b'R' => "refugee",
                    b'T' => "alien or non-citizen",
                    b'S' => "stateless",
                    b'L' => "laissez-passer",
                    b'M' => "military",
                    b'U' => "emergency, single sheet",
                    b'<' => "type not stated",
                    _ => "type letter at the issuer's discretion",
                };
                format!("passport ({type_letter})")
            }
            DocumentKind::Visa => "visa".to_owned(),
            DocumentKind::IdentityCard => "identity card".to_owned(),
            DocumentKind::CrewMemberCertificate => "crew member certificate".to_owned(),
            DocumentKind::OfficialTravelDocument => "official travel document".to_owned(),
            DocumentKind::Nonstandard => "document code not defined by ICAO for this format".to_owned(),
        }
    }
}

/// The sex field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// `M`.
    Male,
    /// `F`.
    Female,
    /// `<`.
    Unspecified,
    /// `X`: the visual-zone value for unspecified, seen in some MRZs although ICAO prescribes `<`.
    X,
    /// Anything else.
    Invalid,
}

impl Sex {
    /// From the printed character.
    pub const fn from_char(c: u8) -> Self {
        match c {
            b'M' => Sex::Male,
            b'F' => Sex::Female,
            b'<' => Sex::Unspecified,
            b'X' => Sex::X,
            _ => Sex::Invalid,
        }
    }

    /// In words.
    pub const fn describe(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
            Sex::Unspecified => "unspecified",
            Sex::X => "unspecified (X, non-standard in the MRZ)",
            Sex::Invalid => "not a sex code",
        }
    }
}

/// What a three-letter state or nationality code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryCode {
    /// In the ICAO table.
    Known(&'static CountryInfo),
    /// Used in the wild but not an ICAO code (e.g. `XXK` for Kosovo in some EU documents).
    NonIcao(&'static str),
    /// Not in the table.
    Unknown,
}

/// Codes seen on real documents that ICAO does not define.
const NON_ICAO: &[(&str, &str)] = &[
    ("XXK", "Kosovo (used by some EU states; not an ICAO code)"),
    ("WSA", "World Service Authority (not an ICAO code)"),
];

impl CountryCode {
    /// Looks up a code as printed, trailing fillers already removed.
    pub fn lookup(code: &str) -> Self {
        if let Some(info) = countries::lookup(code) {
            return CountryCode::Known(info);
        }
        match NON_ICAO.iter().find(|(c, _)| *c == code) {
            Some((_, name)) => CountryCode::NonIcao(name),
            None => CountryCode::Unknown,
        }
    }

    /// The country's name, when known.
    pub fn name(self) -> Option<&'static str> {
        match self {
            CountryCode::Known(info) => Some(info.name),
            CountryCode::NonIcao(name) => Some(name),
            CountryCode::Unknown => None,
        }
    }

    /// The table category, when in the table.
    pub fn category(self) -> Option<CodeCategory> {
        match self {
            CountryCode::Known(info) => Some(info.category),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_kinds() {
        assert_eq!(DocumentKind::classify(*b"P<", true, false), DocumentKind::Passport);
        assert_eq!(DocumentKind::classify(*b"I<", false, false), DocumentKind::IdentityCard);
        assert_eq!(DocumentKind::classify(*b"AC", false, false), DocumentKind::CrewMemberCertificate);
        assert_eq!(DocumentKind::classify(*b"RP", false, false), DocumentKind::Nonstandard);
        assert_eq!(DocumentKind::classify(*b"I<", true, false), DocumentKind::Nonstandard);
        assert_eq!(DocumentKind::Passport.describe(*b"PD"), "passport (diplomatic)");
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::lookup("UTO").name(), Some("Utopia"));
        assert!(matches!(CountryCode::lookup("XXK"), CountryCode::NonIcao(_)));
        assert_eq!(CountryCode::lookup("ZZZ"), CountryCode::Unknown);
    }
}
