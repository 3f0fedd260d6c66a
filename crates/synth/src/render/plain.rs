//! Pages without an MRZ, for negative examples: ordinary text and photo-like pictures.

use image::{GrayImage, Rgb, RgbImage};
use imageproc::drawing::{draw_filled_ellipse_mut, draw_filled_rect_mut};
use imageproc::rect::Rect;

use super::{Fonts, Mm, Pen, draw_text, draw_text_fit, text_width};
use crate::rng::Rng;

/// Words for pages of ordinary text (several languages, with diacritics).
const WORDS: &[&str] = &[
    "the",
    "traveller",
    "présente",
    "son",
    "passeport",
    "à",
    "la",
    "frontière",
    "und",
    "die",
    "Prüfung",
    "dauert",
    "nur",
    "wenige",
    "Minuten",
    "el",
    "funcionario",
    "revisa",
    "los",
    "datos",
    "of",
    "document",
    "was",
    "issued",
    "in",
    "city",
    "hall",
    "Ærø",
    "ferry",
    "sails",
    "at",
    "seven",
    "o'clock",
    "każdy",
    "wniosek",
    "jest",
    "sprawdzany",
    "ręcznie",
    "número",
    "de",
    "teléfono",
    "résidence",
    "Straße",
    "für",
    "and",
    "a",
    "visa",
    "application",
    "form",
    "must",
    "be",
    "signed",
    "by",
    "applicant",
    "naïve",
    "café",
    "façade",
    "Smørrebrød",
    "Åland",
    "İstanbul",
    "şehir",
    "merkezi",
    "2024",
    "17",
    "page",
    "12",
    "of",
    "annual",
    "report",
    "council",
    "meeting",
    "budget",
];

/// A page of ordinary text: a title and several justified-looking paragraphs; grey.
pub fn render_text_page(fonts: &Fonts, rng: &mut Rng, dpi: f32) -> GrayImage {
    let mm = Mm { dpi };
    let (w_mm, h_mm) = (148.0, 210.0);
    let (w, h) = mm.size(w_mm, h_mm);
    let paper = rng.int(238, 252) as u8;
    let mut img = RgbImage::from_pixel(w, h, Rgb([paper, paper, paper]));
    let ink = Rgb([25, 25, 25]);
    let margin = 16.0;
    let mut y = 22.0;
    let title: Vec<&str> = (0..rng.int(3, 6)).map(|_| rng.pick_str(WORDS, "report")).collect();
    let mut title = title.join(" ");
    if let Some(first) = title.get(..1) {
        title = format!("{}{}", first.to_uppercase(), title.get(1..).unwrap_or(""));
    }
    let title_pen = Pen { font: &fonts.sans, cap_px: mm.px(4.0), ink };
    draw_text_fit(&mut img, title_pen, mm.px(margin), mm.px(y), mm.px(w_mm - 2.0 * margin), &title);
    y += 10.0;
    let cap = rng.range_f32(2.2, 2.8);
    let leading = cap * 2.1;
    let max_w = mm.px(w_mm - 2.0 * margin);
    let body = Pen { font: &fonts.sans, cap_px: mm.px(cap), ink };
    while y < h_mm - 25.0 {
        let words = rng.int(25, 70);
        let mut line = String::new();
        for i in 0..words {
            let mut word = rng.pick_str(WORDS, "text").to_owned();
            if i == 0 {
                word = word.chars().enumerate().map(|(k, c)| if k == 0 { c.to_ascii_uppercase() } else { c }).collect();
            }
            let candidate = if line.is_empty() { word.clone() } else { format!("{line} {word}") };
            if text_width(&fonts.sans, mm.px(cap), &candidate) > max_w {
                draw_text(&mut img, body, mm.px(margin), mm.px(y), &line);
                y += leading;
                line = word;
                if y > h_mm - 25.0 {
                    break;
                }
            } else {
                line = candidate;
            }
        }
        if y <= h_mm - 25.0 {
            line.push('.');
            draw_text(&mut img, body, mm.px(margin), mm.px(y), &line);
        }
        y += leading * 1.8;
    }
    let page = format!("— {} —", rng.int(2, 40));
    draw_text(&mut img, Pen { cap_px: mm.px(2.2), ..body }, mm.px(w_mm / 2.0 - 5.0), mm.px(h_mm - 12.0), &page);
    image::DynamicImage::ImageRgb8(img).into_luma8()
}

/// A photo-like picture: sky and ground gradients, shapes, a little grain. No text at all.
pub fn render_picture(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let sky = [rng.int(90, 160) as f32, rng.int(130, 190) as f32, rng.int(180, 240) as f32];
    let ground = [rng.int(50, 120) as f32, rng.int(70, 140) as f32, rng.int(30, 90) as f32];
    let horizon = h as f32 * rng.range_f32(0.4, 0.7);
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let wave = 12.0 * (xf / 90.0).sin() + 25.0 * (xf / 400.0).cos();
        let rgb = if yf < horizon + wave {
            let t = yf / horizon.max(1.0);
            sky.map(|v| v * (1.0 - 0.3 * t) + 60.0 * t)
        } else {
            let t = (yf - horizon) / (h as f32 - horizon).max(1.0);
            ground.map(|v| v * (1.0 - 0.4 * t) + 10.0 * (xf / 37.0).sin())
        };
        Rgb(rgb.map(|v| v.clamp(0.0, 255.0) as u8))
    });
    for _ in 0..rng.int(4, 12) {
        let colour = Rgb([rng.int(20, 240) as u8, rng.int(20, 240) as u8, rng.int(20, 240) as u8]);
        let (cx, cy) = (rng.int(0, i64::from(w)) as i32, rng.int(0, i64::from(h)) as i32);
        let (rx, ry) = (rng.int(20, i64::from(w / 5)) as i32, rng.int(20, i64::from(h / 4)) as i32);
        if rng.chance(0.5) {
            draw_filled_ellipse_mut(&mut img, (cx, cy), rx, ry, colour);
        } else {
            draw_filled_rect_mut(&mut img, Rect::at(cx - rx, cy - ry).of_size(rx as u32 * 2, ry as u32), colour);
        }
    }
    img
}
