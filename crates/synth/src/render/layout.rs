//! Where things are on a rendered page, in millimetres, known without drawing: rectangles, the
//! visual zone's cells and the MRZ's character cells.

use super::{MRZ_LINE_PITCH_MM, MRZ_PITCH_MM, MrzPlacement};

/// A rectangle on a page, in millimetres from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectMm {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl RectMm {
    /// A rectangle.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    /// The smallest rectangle holding both.
    pub fn union(self, other: RectMm) -> RectMm {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        let right = (self.x + self.w).max(other.x + other.w);
        let bottom = (self.y + self.h).max(other.y + other.h);
        RectMm { x, y, w: right - x, h: bottom - y }
    }

    /// Grown by `by` on every side.
    pub fn grow(self, by: f32) -> RectMm {
        RectMm { x: self.x - by, y: self.y - by, w: self.w + 2.0 * by, h: self.h + 2.0 * by }
    }
}

/// What a labelled cell of the visual zone holds (from its printed label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VizField {
    /// Document type.
    Type,
    /// Issuing-state code.
    Code,
    /// Document number.
    Number,
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Surname and given names in one cell (visas).
    FullName,
    /// Nationality.
    Nationality,
    /// Date of birth.
    Birth,
    /// Sex.
    Sex,
    /// Place of birth.
    PlaceOfBirth,
    /// Date of issue (visas: valid from).
    Issue,
    /// Issuing authority.
    Authority,
    /// Date of expiry (visas: valid until).
    Expiry,
    /// Anything else (height, entries, remarks).
    Other,
}

impl VizField {
    pub(super) fn of_label(label: &str) -> Self {
        let first = label.split(" / ").next().unwrap_or(label);
        match first {
            "Type" => VizField::Type,
            "Code" => VizField::Code,
            "Passport No." | "Document No." | "Number" => VizField::Number,
            "Surname" => VizField::Surname,
            "Given names" => VizField::GivenNames,
            "Surname, given names" => VizField::FullName,
            "Nationality" => VizField::Nationality,
            "Date of birth" => VizField::Birth,
            "Sex" => VizField::Sex,
            "Place of birth" => VizField::PlaceOfBirth,
            "Date of issue" | "Valid from" => VizField::Issue,
            "Authority" => VizField::Authority,
            "Date of expiry" | "Until" => VizField::Expiry,
            _ => VizField::Other,
        }
    }
}

/// Where one labelled value of the visual zone is printed (see [`draw_fields`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellBox {
    /// What it holds.
    pub field: VizField,
    /// The whole cell (label and value).
    pub rect: RectMm,
    /// Baseline of the value.
    pub value_baseline_mm: f32,
    /// Capital height of the value (before shrinking to fit).
    pub value_cap_mm: f32,
}

impl CellBox {
    /// The band of the value (from a little above its capitals to a little below the baseline).
    pub fn value_rect(&self) -> RectMm {
        let top = self.value_baseline_mm - self.value_cap_mm * 1.25;
        RectMm::new(self.rect.x - 0.3, top, self.rect.w, self.value_cap_mm * 1.6)
    }
}

/// Where things are on a rendered page, in millimetres: what [`document_layout`] and
/// [`card_front_layout`] know without drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    /// Width and height of the page.
    pub size_mm: (f32, f32),
    /// The main portrait (none on a card back).
    pub portrait: Option<RectMm>,
    /// The printed secondary portrait, where the page has one (card backs).
    pub ghost: Option<RectMm>,
    /// The labelled values of the visual zone, row by row.
    pub cells: Vec<CellBox>,
    /// The MRZ (none on a card front).
    pub mrz: Option<MrzPlacement>,
    /// MRZ lines and characters per line.
    pub mrz_shape: (usize, usize),
}

impl PageLayout {
    /// The first cell holding `field`.
    pub fn cell(&self, field: VizField) -> Option<&CellBox> {
        self.cells.iter().find(|c| c.field == field)
    }

    /// The cells of MRZ line `line` (0-based) from column `first` to `last` (inclusive).
    pub fn mrz_cells(&self, line: usize, first: usize, last: usize) -> Option<RectMm> {
        let place = self.mrz?;
        let (count, _) = self.mrz_shape;
        let baseline = place.last_baseline_mm - (count.saturating_sub(1 + line)) as f32 * MRZ_LINE_PITCH_MM;
        let top = baseline - place.cap_mm - 0.6;
        let x = place.left_mm + first as f32 * MRZ_PITCH_MM;
        let w = (last.saturating_sub(first) + 1) as f32 * MRZ_PITCH_MM;
        Some(RectMm::new(x, top, w, place.cap_mm + 1.2))
    }
}
