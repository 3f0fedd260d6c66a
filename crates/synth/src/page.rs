//! Pages drawn with a [`Look`]: the data page, card back or visa with its MRZ set and printed as
//! the look says, on the look's paper, with the visual zone arranged as its layout says (portrait
//! left or right, one to three cells a row, labels in one to three languages, numbered or not,
//! dates in several styles); a passport's data page can come with the booklet's facing page
//! above it, and a card with its front beside or above its back.

use image::{Rgb, RgbImage, RgbaImage};
use imageproc::drawing::draw_hollow_circle_mut;

use docexam_mrz::dates::CalendarDate;
use docexam_mrz::layout::Format;

use super::defects::{self, StampSpec};
use super::degrade;
use super::identity::{Identity, visual_date};
use super::look::{CardSides, DateStyle, Lang, Layout, Look};
use super::pattern::{self, Background};
use super::print;
use super::render::{
    Cell, Fonts, Grid, Inks, Mm, Pen, RectMm, document_size, draw_fields, draw_text, draw_text_fit, inks, paste,
    portrait, signature, text_width,
};
use super::rng::Rng;

/// A drawn document: the picture (pages with rounded corners on a transparent ground) and where
/// things are on it.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The picture.
    pub image: RgbaImage,
    /// The MRZ's characters (mm from the picture's top-left corner).
    pub mrz: RectMm,
    /// The main portrait, or a card back's ghost portrait.
    pub portrait: Option<RectMm>,
    /// The page that carries the MRZ.
    pub data_page: RectMm,
}

/// What the visual zone's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Type,
    Code,
    PassportNo,
    DocumentNo,
    Surname,
    GivenNames,
    FullName,
    Nationality,
    Birth,
    Sex,
    PlaceOfBirth,
    Issue,
    Authority,
    Expiry,
    Height,
    ValidFrom,
    Until,
    VisaType,
    Entries,
    Remarks,
}

impl Field {
    /// The label in English, French, Spanish, German.
    fn words(self) -> [&'static str; 4] {
        match self {
            Field::Type => ["Type", "Type", "Tipo", "Typ"],
            Field::Code => ["Code", "Code", "Código", "Kode"],
            Field::PassportNo => ["Passport No.", "N° du passeport", "N° de pasaporte", "Pass-Nr."],
            Field::DocumentNo => ["Document No.", "N° du document", "N° de documento", "Dokumentennummer"],
            Field::Surname => ["Surname", "Nom", "Apellidos", "Name"],
            Field::GivenNames => ["Given names", "Prénoms", "Nombres", "Vornamen"],
            Field::FullName => ["Surname, given names", "Nom, prénoms", "Apellidos, nombres", "Name, Vornamen"],
            Field::Nationality => ["Nationality", "Nationalité", "Nacionalidad", "Staatsangehörigkeit"],
            Field::Birth => ["Date of birth", "Date de naissance", "Fecha de nacimiento", "Geburtsdatum"],
            Field::Sex => ["Sex", "Sexe", "Sexo", "Geschlecht"],
            Field::PlaceOfBirth => ["Place of birth", "Lieu de naissance", "Lugar de nacimiento", "Geburtsort"],
            Field::Issue => ["Date of issue", "Date de délivrance", "Fecha de expedición", "Ausstellungsdatum"],
            Field::Authority => ["Authority", "Autorité", "Autoridad", "Behörde"],
            Field::Expiry => ["Date of expiry", "Date d'expiration", "Fecha de caducidad", "Gültig bis"],
            Field::Height => ["Height", "Taille", "Estatura", "Größe"],
            Field::ValidFrom => ["Valid from", "Valable du", "Válido desde", "Gültig ab"],
            Field::Until => ["Until", "Au", "Hasta", "Bis"],
            Field::VisaType => ["Type of visa", "Type de visa", "Tipo de visado", "Visumtyp"],
            Field::Entries => ["Entries", "Entrées", "Entradas", "Einreisen"],
            Field::Remarks => ["Remarks", "Remarques", "Observaciones", "Anmerkungen"],
        }
    }

    /// Long values take a row of their own.
    fn wide(self) -> bool {
        matches!(
            self,
            Field::Surname
                | Field::GivenNames
                | Field::FullName
                | Field::Authority
                | Field::Remarks
                | Field::PlaceOfBirth
        )
    }
}

fn word(words: [&'static str; 4], lang: Lang) -> &'static str {
    let i = match lang {
        Lang::En => 0,
        Lang::Fr => 1,
        Lang::Es => 2,
        Lang::De => 3,
    };
    words.get(i).copied().unwrap_or(words[0])
}

/// "Surname / Nom", "3. APELLIDOS / SURNAME"...
fn label(field: Field, layout: &Layout, number: usize) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for &lang in &layout.languages {
        let w = word(field.words(), lang);
        if !parts.contains(&w) {
            parts.push(w);
        }
    }
    let mut text = parts.join(" / ");
    if layout.upper_labels {
        text = text.to_uppercase();
    }
    if layout.numbered { format!("{number}. {text}") } else { text }
}

/// The document's title in the layout's languages.
fn title(format: Format, front: bool, layout: &Layout) -> String {
    let words = match format {
        Format::Td3 => ["PASSPORT", "PASSEPORT", "PASAPORTE", "REISEPASS"],
        Format::MrvA | Format::MrvB => ["VISA", "VISA", "VISADO", "VISUM"],
        _ if front => ["IDENTITY CARD", "CARTE D'IDENTITÉ", "DOCUMENTO DE IDENTIDAD", "PERSONALAUSWEIS"],
        _ => ["RESIDENCE PERMIT", "TITRE DE SÉJOUR", "PERMISO DE RESIDENCIA", "AUFENTHALTSTITEL"],
    };
    let mut parts: Vec<&str> = Vec::new();
    for &lang in &layout.languages {
        let w = word(words, lang);
        if !parts.contains(&w) {
            parts.push(w);
        }
    }
    parts.join(" / ")
}

fn date(d: CalendarDate, style: DateStyle) -> String {
    const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    match style {
        DateStyle::Bilingual => visual_date(d),
        DateStyle::Month => {
            let month = MONTHS.get(usize::from(d.month).saturating_sub(1)).copied().unwrap_or("JAN");
            format!("{:02} {month} {}", d.day, d.year)
        }
        DateStyle::Dotted => format!("{:02}.{:02}.{}", d.day, d.month, d.year),
        DateStyle::Spaced => format!("{:02} {:02} {}", d.day, d.month, d.year),
    }
}

/// The cells of the visual zone in print order. Draws from `rng` for a visa's entries and
/// remarks and a card's height.
fn fields(format: Format, front: bool, id: &Identity, dates: DateStyle, rng: &mut Rng) -> Vec<(Field, String)> {
    let up = |s: &str| s.to_uppercase();
    let state = up(id.issuing_state.name);
    let nationality = up(id.nationality.name);
    let number = id.document_number.clone();
    let sex = id.visual_sex().to_owned();
    match (format, front) {
        (Format::Td1, true) => holder_cells(id, dates, sex, nationality, number),
        (Format::Td1, false) => vec![
            (Field::Issue, date(id.issue, dates)),
            (Field::PlaceOfBirth, id.place_of_birth.to_owned()),
            (Field::Height, format!("{:.2} m", rng.range(1.52, 1.95))),
            (Field::Authority, format!("{} — {}", up(id.place_of_birth), state)),
            (Field::DocumentNo, number),
        ],
        (Format::Td3, _) => vec![
            (Field::Type, id.document_code.clone()),
            (Field::Code, id.issuing_state.code.to_owned()),
            (Field::PassportNo, number),
            (Field::Surname, up(&id.surname)),
            (Field::GivenNames, up(&id.given_names)),
            (Field::Nationality, nationality),
            (Field::Birth, date(id.birth, dates)),
            (Field::Sex, sex),
            (Field::PlaceOfBirth, up(id.place_of_birth)),
            (Field::Issue, date(id.issue, dates)),
            (Field::Expiry, date(id.expiry, dates)),
            (Field::Authority, state),
        ],
        (Format::MrvA | Format::MrvB, _) => vec![
            (Field::ValidFrom, date(id.issue, dates)),
            (Field::Until, date(id.expiry, dates)),
            (Field::VisaType, id.document_code.clone()),
            (Field::Entries, rng.pick_str(&["MULT", "1", "2"], "MULT").to_owned()),
            (Field::DocumentNo, number),
            (Field::FullName, format!("{}, {}", up(&id.surname), up(&id.given_names))),
            (Field::Nationality, nationality),
            (Field::Birth, date(id.birth, dates)),
            (Field::Remarks, rng.pick_str(&["TOURISME", "AFFAIRES — BUSINESS", "ÉTUDES", "TRANSIT"], "").to_owned()),
        ],
        // Other formats: a card front's cells and the date of issue.
        _ => {
            let mut cells = holder_cells(id, dates, sex, nationality, number);
            cells.push((Field::Issue, date(id.issue, dates)));
            cells
        }
    }
}

/// The holder's cells of a card front: name, sex, nationality, birth, number and expiry.
fn holder_cells(
    id: &Identity,
    dates: DateStyle,
    sex: String,
    nationality: String,
    number: String,
) -> Vec<(Field, String)> {
    vec![
        (Field::Surname, id.surname.to_uppercase()),
        (Field::GivenNames, id.given_names.to_uppercase()),
        (Field::Sex, sex),
        (Field::Nationality, nationality),
        (Field::Birth, date(id.birth, dates)),
        (Field::DocumentNo, number),
        (Field::Expiry, date(id.expiry, dates)),
    ]
}

/// Packs cells into rows: wide ones alone, the others `columns` at a time.
fn rows(cells: Vec<(Field, String)>, layout: &Layout) -> Vec<Vec<Cell>> {
    let mut out: Vec<Vec<Cell>> = Vec::new();
    let mut current: Vec<Cell> = Vec::new();
    for (i, (field, value)) in cells.into_iter().enumerate() {
        let cell = (label(field, layout, i + 1), value);
        if field.wide() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(vec![cell]);
        } else {
            current.push(cell);
            if current.len() >= layout.columns.max(1) {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Draws `rows` in the box from `top` to `bottom` (mm), rows of `row` mm or less to fit; rows
/// that do not fit at 5.4 mm are left out.
fn draw_rows(img: &mut RgbImage, page: &Page<'_>, at: (f32, f32, f32), bottom: f32, row: f32, rows: &[Vec<Cell>]) {
    let (x, top, width) = at;
    let room = (bottom - top).max(0.0);
    let fitted = (room / rows.len().max(1) as f32).min(row);
    const SMALLEST: f32 = 5.4;
    let (row, shown) =
        if fitted >= SMALLEST { (fitted, rows.len()) } else { (SMALLEST, (room / SMALLEST).floor() as usize) };
    if shown == 0 || width <= 5.0 {
        return;
    }
    let grid = Grid { x, y: top, width, row };
    draw_fields(img, page.fonts, page.mm, grid, rows.get(..shown).unwrap_or(rows), page.ink);
}

/// Portrait width, height and row height (mm) of a page of `format`.
fn sizes(format: Format) -> (f32, f32, f32) {
    match format {
        Format::Td3 => (33.0, 43.0, 7.2),
        Format::MrvA => (30.0, 38.0, 6.8),
        _ => (25.0, 32.0, 6.4),
    }
}

/// What every page of one document shares.
struct Page<'a> {
    fonts: &'a Fonts,
    mm: Mm,
    format: Format,
    id: &'a Identity,
    look: &'a Look,
    /// Inks of the visual zone.
    ink: Inks,
}

impl Page<'_> {
    /// The header: the state's name and the title, left or centred. Returns its bottom (mm).
    fn header(&self, img: &mut RgbImage, front: bool) -> f32 {
        let (w_mm, _) = document_size(self.format);
        let layout = &self.look.layout;
        let ink = self.ink;
        let m = layout.margin_mm;
        let cap = match self.format {
            Format::Td3 => 3.2,
            Format::Td1 => 2.4,
            Format::MrvA => 3.0,
            _ => 2.6,
        };
        let state = self.id.issuing_state.name.to_uppercase();
        let title = title(self.format, front, layout);
        let pen = Pen { font: &self.fonts.sans, cap_px: self.mm.px(cap), ink: ink.label };
        let small = Pen { cap_px: self.mm.px(cap * 0.7), ..pen };
        let mm = self.mm;
        if layout.title_centred {
            let centred = |img: &mut RgbImage, pen: Pen<'_>, baseline: f32, text: &str| {
                let width = text_width(pen.font, pen.cap_px, text).min(mm.px(w_mm - 2.0 * m));
                let x = (mm.px(w_mm) - width) / 2.0;
                draw_text_fit(img, pen, x, mm.px(baseline), mm.px(w_mm - 2.0 * m), text);
            };
            centred(img, pen, m + cap, &state);
            centred(img, small, m + cap + 1.6 + cap * 0.7, &title);
            m + cap * 1.7 + 1.6
        } else {
            let state_w = draw_text_fit(img, pen, mm.px(m), mm.px(m + cap), mm.px(w_mm * 0.5), &state);
            let x = mm.px(m) + state_w + mm.px(3.5);
            draw_text_fit(img, small, x, mm.px(m + cap), mm.px(w_mm - m - 12.0) - x, &title);
            let r = mm.ipx(3.0);
            let centre = (mm.ipx(w_mm - m - 3.0), mm.ipx(m + 2.2));
            draw_hollow_circle_mut(img, centre, r, ink.label);
            draw_hollow_circle_mut(img, centre, (r - 2).max(1), ink.label);
            m + cap
        }
    }

    /// A passport data page, TD2 page or visa. Returns the portrait's box.
    fn booklet_page(&self, img: &mut RgbImage, clear: f32, rng: &mut Rng) -> RectMm {
        let (w_mm, _) = document_size(self.format);
        let layout = &self.look.layout;
        let m = layout.margin_mm;
        let mm = self.mm;
        let head = self.header(img, false);
        let top = head + 3.0;
        let (photo_w, photo_h, row) = sizes(self.format);
        // The portrait keeps its proportions and leaves room for a signature under it.
        let photo_h = photo_h.min(clear - top - 6.0).max(12.0);
        let photo_w = photo_w.min(photo_h * 0.78);
        let photo_x = if layout.portrait_right { w_mm - m - photo_w } else { m };
        let photo = RectMm::new(photo_x, top, photo_w, photo_h);
        let face = portrait(&mut rng.fork(), mm.px(photo_w) as u32, mm.px(photo_h) as u32);
        paste(img, &face, mm.ipx(photo.x), mm.ipx(photo.y), 1.0);
        if rng.chance(0.5) {
            let ink = *rng.pick(&[[120, 80, 150], [80, 110, 160], [150, 100, 90]]).unwrap_or(&[120, 80, 150]);
            defects::security_print(img, mm, photo, ink);
        }
        let sig_top = photo.y + photo.h + 1.5;
        let sig_h = (clear - sig_top - 1.0).min(8.0);
        if sig_h > 2.0 {
            signature(img, &mut rng.fork(), mm, photo.x + 1.0, sig_top, photo.w - 2.0, sig_h);
        }
        let (mut x, mut width) = if layout.portrait_right {
            (m, photo.x - 4.0 - m)
        } else {
            (photo.x + photo.w + 4.0, w_mm - m - photo.x - photo.w - 4.0)
        };
        if layout.ghost && width > 62.0 {
            let ghost_w = 15.0;
            let gx = if layout.portrait_right { x } else { x + width - ghost_w };
            let ghost = RectMm::new(gx, top + 8.0, ghost_w, ghost_w * 1.3);
            let small = image::imageops::resize(
                &face,
                mm.px(ghost.w) as u32,
                mm.px(ghost.h) as u32,
                image::imageops::FilterType::Triangle,
            );
            defects::ghost_portrait(img, mm, &small, ghost, rng.range_f32(0.2, 0.35));
            width -= ghost_w + 2.0;
            if layout.portrait_right {
                x += ghost_w + 2.0;
            }
        }
        let cells = fields(self.format, false, self.id, layout.dates, rng);
        let rows = rows(cells, layout);
        draw_rows(img, self, (x, top, width), clear - 0.5, row * layout.row_scale, &rows);
        photo
    }

    /// A card's back: a ghost portrait on one side, the holder's details. Returns the ghost's box.
    fn card_back(&self, img: &mut RgbImage, clear: f32, rng: &mut Rng) -> RectMm {
        let (w_mm, _) = document_size(Format::Td1);
        let layout = &self.look.layout;
        let m = layout.margin_mm.min(6.0);
        let mm = self.mm;
        let ghost_h = (clear - m - 1.0).clamp(8.0, 17.0);
        let ghost_w = ghost_h * 0.76;
        let gx = if layout.portrait_right { w_mm - m - ghost_w } else { m };
        let ghost = RectMm::new(gx, m, ghost_w, ghost_h);
        let face = portrait(&mut rng.fork(), mm.px(ghost.w) as u32, mm.px(ghost.h) as u32);
        paste(img, &face, mm.ipx(ghost.x), mm.ipx(ghost.y), rng.range_f32(0.25, 0.45));
        let (x, width) = if layout.portrait_right {
            (m, w_mm - 2.0 * m - ghost_w - 3.0)
        } else {
            (m + ghost_w + 3.0, w_mm - 2.0 * m - ghost_w - 3.0)
        };
        let cells = fields(Format::Td1, false, self.id, layout.dates, rng);
        let rows = rows(cells, layout);
        draw_rows(img, self, (x, m, width), clear - 0.5, 8.0 * layout.row_scale, &rows);
        ghost
    }

    /// The page with the MRZ. Returns it, the MRZ's box and the portrait's.
    fn data_page(&self, lines: &[String], rng: &mut Rng) -> (RgbImage, RectMm, RectMm) {
        let (w_mm, h_mm) = document_size(self.format);
        let mm = self.mm;
        let (w, h) = mm.size(w_mm, h_mm);
        let mut img = RgbImage::new(w, h);
        let geometry = &self.look.geometry;
        let clear = geometry.clear_top_mm(h_mm, lines.len());
        let zone = RectMm::new(0.0, clear, w_mm, h_mm - clear);
        let micro = if rng.chance(0.5) { self.id.issuing_state.name } else { self.id.issuing_state.code };
        pattern::paint(&mut img, self.fonts, mm, &self.look.background, Some(zone), micro);
        let photo = if self.format == Format::Td1 {
            self.card_back(&mut img, clear, &mut rng.fork())
        } else {
            self.booklet_page(&mut img, clear, &mut rng.fork())
        };
        let mrz = print::draw_mrz(&mut img, self.fonts, mm, lines, geometry, &self.look.print);
        (img, mrz, photo)
    }

    /// A card's front, on paper like its back's: header, portrait, details, signature.
    fn card_front(&self, background: &Background, rng: &mut Rng) -> RgbImage {
        let (w_mm, h_mm) = document_size(Format::Td1);
        let mm = self.mm;
        let (w, h) = mm.size(w_mm, h_mm);
        let mut img = RgbImage::new(w, h);
        pattern::paint(&mut img, self.fonts, mm, background, None, self.id.issuing_state.code);
        let layout = &self.look.layout;
        let m = layout.margin_mm.min(5.0);
        let head = self.header(&mut img, true);
        let top = head + 3.0;
        let photo_h = (h_mm - top - 9.0).clamp(20.0, 31.0);
        let photo_w = photo_h * 0.77;
        let px = if layout.portrait_right { w_mm - m - photo_w } else { m };
        let face = portrait(&mut rng.fork(), mm.px(photo_w) as u32, mm.px(photo_h) as u32);
        paste(&mut img, &face, mm.ipx(px), mm.ipx(top), 1.0);
        signature(&mut img, &mut rng.fork(), mm, px + 1.0, top + photo_h + 1.0, photo_w - 2.0, 6.0);
        let x = if layout.portrait_right { m } else { px + photo_w + 3.0 };
        let cells = fields(Format::Td1, true, self.id, layout.dates, rng);
        let narrow = Layout { columns: layout.columns.min(2), ..layout.clone() };
        let rows = rows(cells, &narrow);
        draw_rows(&mut img, self, (x, top, w_mm - 2.0 * m - photo_w - 3.0), h_mm - 2.0, 7.0, &rows);
        img
    }

    /// The booklet's facing (upper) page: other patterns, an observations heading, a page
    /// number, and perhaps a border stamp or two.
    fn facing_page(&self, rng: &mut Rng) -> RgbImage {
        let (w_mm, h_mm) = document_size(self.format);
        let mm = self.mm;
        let (w, h) = mm.size(w_mm, h_mm);
        let mut img = RgbImage::new(w, h);
        let background = self.look.background.sibling(&mut rng.fork(), (w_mm, h_mm));
        pattern::paint(&mut img, self.fonts, mm, &background, None, self.id.issuing_state.code);
        let ink = self.ink;
        let words = ["OBSERVATIONS", "OBSERVATIONS", "OBSERVACIONES", "AMTLICHE VERMERKE"];
        let mut parts: Vec<&str> = Vec::new();
        for &lang in &self.look.layout.languages {
            let w = word(words, lang);
            if !parts.contains(&w) {
                parts.push(w);
            }
        }
        let heading = parts.join(" / ");
        let pen = Pen { font: &self.fonts.sans, cap_px: mm.px(2.2), ink: ink.label };
        let width = text_width(pen.font, pen.cap_px, &heading);
        draw_text(&mut img, pen, (mm.px(w_mm) - width) / 2.0, mm.px(9.0), &heading);
        let number = format!("{}", rng.int(2, 5));
        draw_text(&mut img, Pen { cap_px: mm.px(2.0), ..pen }, mm.px(w_mm - 10.0), mm.px(h_mm - 5.0), &number);
        for _ in 0..rng.int(0, 2) {
            let spec = StampSpec {
                centre: (rng.range_f32(30.0, w_mm - 30.0), rng.range_f32(25.0, h_mm - 22.0)),
                lines: vec![
                    rng.pick_str(&["ENTRY", "ADMITTED", "ARRIVAL", "DEPARTURE"], "ENTRY").to_owned(),
                    format!("{:02} {:02} {}", rng.int(1, 28), rng.int(1, 12), rng.int(2019, 2026)),
                    format!("{} {:03}", rng.pick_str(&["AIRPORT", "PORT", "BORDER"], "PORT"), rng.int(1, 999)),
                ],
                ink: *rng.pick(&[[96, 44, 128], [40, 62, 150], [150, 40, 60], [40, 110, 70]]).unwrap_or(&[96, 44, 128]),
                degrees: rng.range_f32(-25.0, 25.0),
            };
            defects::stamp(&mut img, self.fonts, mm, &spec, &mut rng.fork());
        }
        img
    }
}

/// Joins the facing page above the data page: no gap, a shadow in the fold.
fn booklet(facing: &RgbImage, data: &RgbImage, mm: Mm, depth: f32) -> RgbImage {
    let (w, fh) = facing.dimensions();
    let h = fh + data.height();
    let reach = mm.px(2.5).max(1.0);
    RgbImage::from_fn(w, h, |x, y| {
        let p = if y < fh { facing.get_pixel_checked(x, y) } else { data.get_pixel_checked(x, y - fh) };
        let p = p.copied().unwrap_or(Rgb([255, 255, 255]));
        let d = (y as f32 + 0.5 - fh as f32).abs();
        let shade = 1.0 - depth * (-d / reach).exp();
        Rgb(p.0.map(|c| (f32::from(c) * shade).round() as u8))
    })
}

/// Two cards on a transparent sheet: `first` above `second` (`beside`: left of it), `gap` px apart.
fn two_cards(first: &RgbaImage, second: &RgbaImage, gap: u32, beside: bool) -> RgbaImage {
    let (w, h) = if beside {
        (first.width() + gap + second.width(), first.height().max(second.height()))
    } else {
        (first.width().max(second.width()), first.height() + gap + second.height())
    };
    let mut sheet = RgbaImage::new(w, h);
    let (ox, oy) = if beside { (first.width() + gap, 0) } else { (0, first.height() + gap) };
    for (x, y, p) in first.enumerate_pixels() {
        sheet.put_pixel(x, y, *p);
    }
    for (x, y, p) in second.enumerate_pixels() {
        if x + ox < w && y + oy < h {
            sheet.put_pixel(x + ox, y + oy, *p);
        }
    }
    sheet
}

/// Draws the document of `format` with the MRZ `lines` and the visual zone from `id`, as `look`
/// says, at `dpi`.
pub fn render_sheet(
    fonts: &Fonts,
    rng: &mut Rng,
    format: Format,
    id: &Identity,
    lines: &[String],
    dpi: f32,
    look: &Look,
) -> Sheet {
    let mm = Mm { dpi };
    let page = Page { fonts, mm, format, id, look, ink: inks(rng) };
    let (w_mm, h_mm) = document_size(format);
    let (data, mrz, photo) = page.data_page(lines, &mut rng.fork());
    let corner = mm.px(if format == Format::Td1 { 3.18 } else { 2.5 });
    let layout = &look.layout;
    if format == Format::Td3 && layout.facing_page {
        let facing = page.facing_page(&mut rng.fork());
        let joined = booklet(&facing, &data, mm, rng.range_f32(0.2, 0.45));
        let shift = |r: RectMm| RectMm::new(r.x, r.y + h_mm, r.w, r.h);
        return Sheet {
            image: degrade::rounded_card(&joined, corner),
            mrz: shift(mrz),
            portrait: Some(shift(photo)),
            data_page: RectMm::new(0.0, h_mm, w_mm, h_mm),
        };
    }
    let back = degrade::rounded_card(&data, corner);
    if format == Format::Td1 && layout.card_sides != CardSides::Back {
        let background = look.background.sibling(&mut rng.fork(), (w_mm, h_mm));
        let front = degrade::rounded_card(&page.card_front(&background, &mut rng.fork()), corner);
        let gap_mm = rng.range_f32(4.0, 12.0);
        let beside = layout.card_sides == CardSides::FrontBeside;
        let image = two_cards(&front, &back, mm.ipx(gap_mm).max(0) as u32, beside);
        // Where the back starts, in the sheet's millimetres (whole pixels, as drawn).
        let to_mm = 25.4 / dpi;
        let (ox, oy) = if beside {
            ((front.width() + mm.ipx(gap_mm).max(0) as u32) as f32 * to_mm, 0.0)
        } else {
            (0.0, (front.height() + mm.ipx(gap_mm).max(0) as u32) as f32 * to_mm)
        };
        let shift = |r: RectMm| RectMm::new(r.x + ox, r.y + oy, r.w, r.h);
        return Sheet {
            image,
            mrz: shift(mrz),
            portrait: Some(shift(photo)),
            data_page: RectMm::new(ox, oy, w_mm, h_mm),
        };
    }
    Sheet { image: back, mrz, portrait: Some(photo), data_page: RectMm::new(0.0, 0.0, w_mm, h_mm) }
}

/// A card's front without an MRZ (the `no_mrz` kind's card), drawn as `look` says.
pub fn render_front(fonts: &Fonts, rng: &mut Rng, id: &Identity, dpi: f32, look: &Look) -> RgbaImage {
    let mm = Mm { dpi };
    let page = Page { fonts, mm, format: Format::Td1, id, look, ink: inks(rng) };
    let img = page.card_front(&look.background, &mut rng.fork());
    degrade::rounded_card(&img, mm.px(3.18))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use super::*;

    #[test]
    fn labels_follow_the_layout() {
        let mut layout = Layout::nominal();
        assert_eq!(label(Field::Surname, &layout, 4), "Surname / Nom");
        layout.languages = vec![Lang::Es, Lang::En, Lang::De];
        layout.numbered = true;
        layout.upper_labels = true;
        assert_eq!(label(Field::Surname, &layout, 4), "4. APELLIDOS / SURNAME / NAME");
        layout.languages = vec![Lang::En, Lang::Fr];
        assert_eq!(label(Field::Type, &layout, 1), "1. TYPE", "a word the languages share is printed once");
    }

    #[test]
    fn rows_keep_names_alone_and_pack_the_rest() {
        let mut layout = Layout::nominal();
        layout.columns = 3;
        let id = Identity::random(&mut Rng::new(1), Format::Td3, false);
        let cells = fields(Format::Td3, false, &id, DateStyle::Dotted, &mut Rng::new(2));
        let rows = rows(cells, &layout);
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1, 1, 3, 1, 2, 1]);
        assert!(rows[1][0].0.starts_with("Surname"));
    }
}
