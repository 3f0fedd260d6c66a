//! The code tables of the manual format: every code as written in a file, and what it means.
//!
//! The spelling of each code is serde's (the enums in `mod.rs`); `code()` repeats it so the
//! validator, the CLI and the documentation can list the allowed values. A unit test holds the two
//! together.

use super::{AutomationHook, FailureCode, FalsedocStep, Level, Severity, Tool};

/// A closed table of codes that manual files spell as strings.
pub trait CodeTable: Sized + Copy + Eq + 'static {
    /// What the table is called in messages, e.g. `severity`.
    const TABLE: &'static str;
    /// Every code, in documentation order.
    const ALL: &'static [Self];

    /// The code as written in a manual file.
    fn code(self) -> &'static str;

    /// What the code means, in a few words.
    fn meaning(self) -> &'static str;

    /// The code spelled `text`, if there is one.
    fn from_code(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == text)
    }

    /// The allowed spellings, comma-separated, for messages.
    fn allowed() -> String {
        Self::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
    }
}

impl CodeTable for Level {
    const TABLE: &'static str = "level";
    const ALL: &'static [Self] = &[Self::First, Self::Second, Self::Third];

    fn code(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Second => "second",
            Self::Third => "third",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::First => "first line: at the desk, in seconds",
            Self::Second => "second line: back office, minutes, loupe and lights",
            Self::Third => "third line: forensic laboratory (referral only)",
        }
    }
}

impl CodeTable for FalsedocStep {
    const TABLE: &'static str = "FALSEDOC step";
    const ALL: &'static [Self] = &[Self::F, Self::A, Self::L, Self::S, Self::E, Self::D, Self::O, Self::C];

    fn code(self) -> &'static str {
        match self {
            Self::F => "F",
            Self::A => "A",
            Self::L => "L",
            Self::S => "S",
            Self::E => "E",
            Self::D => "D",
            Self::O => "O",
            Self::C => "C",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::F => "face",
            Self::A => "altered data",
            Self::L => "lamina",
            Self::S => "stitching",
            Self::E => "edges",
            Self::D => "document number",
            Self::O => "overseas travel",
            Self::C => "consistency",
        }
    }
}

impl CodeTable for Severity {
    const TABLE: &'static str = "severity";
    const ALL: &'static [Self] = &[Self::S1, Self::S2, Self::S3, Self::S4];

    fn code(self) -> &'static str {
        match self {
            Self::S1 => "S1",
            Self::S2 => "S2",
            Self::S3 => "S3",
            Self::S4 => "S4",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::S1 => "critical: a confirmed failure alone is enough to stop and refer",
            Self::S2 => "major: refer unless a benign explanation is seen and recorded",
            Self::S3 => "minor: note; refer if two or more",
            Self::S4 => "indicator: context only, never the sole basis for a decision",
        }
    }
}

impl CodeTable for Tool {
    const TABLE: &'static str = "tool";
    const ALL: &'static [Self] = &[
        Self::WL,
        Self::OBL,
        Self::TL,
        Self::TILT,
        Self::UV365,
        Self::UV254,
        Self::IR,
        Self::COAX,
        Self::MAG,
        Self::MIC,
        Self::TCH,
        Self::RFID,
        Self::CAM,
        Self::DB,
        Self::REF,
        Self::INT,
        Self::RULES,
        Self::MrzOcr,
        Self::VIZ,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::WL => "WL",
            Self::OBL => "OBL",
            Self::TL => "TL",
            Self::TILT => "TILT",
            Self::UV365 => "UV365",
            Self::UV254 => "UV254",
            Self::IR => "IR",
            Self::COAX => "COAX",
            Self::MAG => "MAG",
            Self::MIC => "MIC",
            Self::TCH => "TCH",
            Self::RFID => "RFID",
            Self::CAM => "CAM",
            Self::DB => "DB",
            Self::REF => "REF",
            Self::INT => "INT",
            Self::RULES => "RULES",
            Self::MrzOcr => "MRZ_OCR",
            Self::VIZ => "VIZ",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::WL => "white reflected light",
            Self::OBL => "oblique (grazing) light",
            Self::TL => "transmitted light",
            Self::TILT => "change of viewing angle",
            Self::UV365 => "long-wave UV (365 nm)",
            Self::UV254 => "short-wave UV (254 nm)",
            Self::IR => "near infrared",
            Self::COAX => "coaxial / retro-reflective light",
            Self::MAG => "loupe, 10x or more",
            Self::MIC => "microscope or video spectral comparator",
            Self::TCH => "touch",
            Self::RFID => "chip reader",
            Self::CAM => "camera",
            Self::DB => "database query",
            Self::REF => "reference material (document reference systems, specimens)",
            Self::INT => "interview",
            Self::RULES => "legal rules",
            Self::MrzOcr => "machine reading of the MRZ",
            Self::VIZ => "the visual inspection zone",
        }
    }
}

impl CodeTable for FailureCode {
    const TABLE: &'static str = "failure code";
    const ALL: &'static [Self] = &[
        Self::CF,
        Self::FgPhoto,
        Self::FgPage,
        Self::FgData,
        Self::FgVisa,
        Self::PS,
        Self::FO,
        Self::IM,
        Self::SL,
        Self::AD,
        Self::BN,
        Self::OCR,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::CF => "CF",
            Self::FgPhoto => "FG-PS",
            Self::FgPage => "FG-PG",
            Self::FgData => "FG-DA",
            Self::FgVisa => "FG-VS",
            Self::PS => "PS",
            Self::FO => "FO",
            Self::IM => "IM",
            Self::SL => "SL",
            Self::AD => "AD",
            Self::BN => "BN",
            Self::OCR => "OCR",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::CF => "counterfeit: the whole document reproduced",
            Self::FgPhoto => "forged: photo substitution",
            Self::FgPage => "forged: page substitution",
            Self::FgData => "forged: data alteration",
            Self::FgVisa => "forged: visa or stamp",
            Self::PS => "pseudo or fantasy document",
            Self::FO => "fraudulently obtained genuine document",
            Self::IM => "impostor (look-alike)",
            Self::SL => "stolen blank, lost, stolen, revoked or invalidated",
            Self::AD => "admissibility problem, not fraud (expired, no visa, ...)",
            Self::BN => "benign (wear, manufacturing variance)",
            Self::OCR => "tool error: re-read before recording suspicion",
        }
    }
}

impl CodeTable for AutomationHook {
    const TABLE: &'static str = "automation hook";
    const ALL: &'static [Self] = &[
        Self::MrzFormat,
        Self::MrzCheckDigits,
        Self::MrzExpiry,
        Self::MrzBirthDate,
        Self::MrzIssuerCode,
        Self::MrzNationalityCode,
        Self::MrzNameIntegrity,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::MrzFormat => "mrz.format",
            Self::MrzCheckDigits => "mrz.check_digits",
            Self::MrzExpiry => "mrz.expiry",
            Self::MrzBirthDate => "mrz.birth_date",
            Self::MrzIssuerCode => "mrz.issuer_code",
            Self::MrzNationalityCode => "mrz.nationality_code",
            Self::MrzNameIntegrity => "mrz.name_integrity",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::MrzFormat => "an MRZ was read and fits an ICAO 9303 format",
            Self::MrzCheckDigits => "every check digit is right",
            Self::MrzExpiry => "the document has not expired on the inspection date",
            Self::MrzBirthDate => "the date of birth is a real date, not in the future",
            Self::MrzIssuerCode => "the issuing state or organisation is a known ICAO code",
            Self::MrzNationalityCode => "the nationality is a known ICAO code",
            Self::MrzNameIntegrity => "the name field is well formed",
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::IntoDeserializer as _;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    use super::*;

    fn from_serde<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, ValueError> {
        let deserializer: StrDeserializer<'_, ValueError> = text.into_deserializer();
        T::deserialize(deserializer)
    }

    /// `code()` is serde's spelling, and `ALL` lists exactly the variants serde knows (serde names
    /// them all in its "unknown variant" message).
    fn table_agrees_with_serde<T: CodeTable + for<'de> Deserialize<'de> + std::fmt::Debug>() {
        for &code in T::ALL {
            assert_eq!(from_serde::<T>(code.code()).ok(), Some(code), "{} {:?}", T::TABLE, code);
            assert_eq!(T::from_code(code.code()), Some(code));
            assert!(!code.meaning().is_empty());
        }
        let message = from_serde::<T>("no such code").err().map(|e| e.to_string()).unwrap_or_default();
        let listed: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort_unstable();
        let mut ours: Vec<&str> = T::ALL.iter().map(|c| c.code()).collect();
        ours.sort_unstable();
        assert_eq!(listed_sorted, ours, "{} table out of step with serde: {message}", T::TABLE);
    }

    #[test]
    fn every_table_agrees_with_serde() {
        table_agrees_with_serde::<Level>();
        table_agrees_with_serde::<FalsedocStep>();
        table_agrees_with_serde::<Severity>();
        table_agrees_with_serde::<Tool>();
        table_agrees_with_serde::<FailureCode>();
        table_agrees_with_serde::<AutomationHook>();
    }

    #[test]
    fn unknown_spelling_is_none() {
        assert_eq!(Severity::from_code("S5"), None);
        assert_eq!(Tool::from_code("wl"), None);
        assert_eq!(Severity::allowed(), "S1, S2, S3, S4");
    }
}
