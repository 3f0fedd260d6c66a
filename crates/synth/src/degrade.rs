//! What happens to a document between the printer and the reader: the scanner bed, rotation and
//! skew, blur, sensor noise, JPEG, shadows, low contrast and the perspective phone photo. Every
//! function is deterministic given its `Rng`.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GrayImage, ImageFormat, Luma, Pixel, Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::drawing::{draw_filled_ellipse_mut, draw_filled_rect_mut, draw_line_segment_mut};
use imageproc::filter::gaussian_blur_f32;
use imageproc::geometric_transformations::{
    Border, Interpolation, Projection, rotate_about_center_no_crop, rotate90, rotate180, rotate270, warp_into,
};
use imageproc::rect::Rect;

use super::SynthError;
use super::render::Mm;
use super::rng::Rng;

/// A working image, grey or colour; degradations apply to either.
#[derive(Debug, Clone, PartialEq)]
pub enum Raster {
    /// 8-bit grey.
    Grey(GrayImage),
    /// 8-bit RGB.
    Rgb(RgbImage),
}

impl Raster {
    /// `img` as grey (`grey`) or kept in colour.
    pub fn from_rgb(img: RgbImage, grey: bool) -> Self {
        if grey { Raster::Grey(DynamicImage::ImageRgb8(img).into_luma8()) } else { Raster::Rgb(img) }
    }

    /// Width and height.
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            Raster::Grey(i) => i.dimensions(),
            Raster::Rgb(i) => i.dimensions(),
        }
    }

    /// As an `image` crate picture.
    pub fn into_dynamic(self) -> DynamicImage {
        match self {
            Raster::Grey(i) => DynamicImage::ImageLuma8(i),
            Raster::Rgb(i) => DynamicImage::ImageRgb8(i),
        }
    }

    /// Calls `f(x, y, channels)` on every pixel.
    fn for_each(&mut self, mut f: impl FnMut(u32, u32, &mut [u8])) {
        match self {
            Raster::Grey(img) => img.enumerate_pixels_mut().for_each(|(x, y, p)| f(x, y, p.channels_mut())),
            Raster::Rgb(img) => img.enumerate_pixels_mut().for_each(|(x, y, p)| f(x, y, p.channels_mut())),
        }
    }

    /// Turned clockwise by `quarters` quarter turns (lossless).
    pub fn rotate_quarters(self, quarters: u32) -> Self {
        match (self, quarters % 4) {
            (r, 0) => r,
            (Raster::Grey(i), 1) => Raster::Grey(rotate90(&i)),
            (Raster::Grey(i), 2) => Raster::Grey(rotate180(&i)),
            (Raster::Grey(i), _) => Raster::Grey(rotate270(&i)),
            (Raster::Rgb(i), 1) => Raster::Rgb(rotate90(&i)),
            (Raster::Rgb(i), 2) => Raster::Rgb(rotate180(&i)),
            (Raster::Rgb(i), _) => Raster::Rgb(rotate270(&i)),
        }
    }

    /// Rotated clockwise by `degrees` about the centre onto a canvas large enough to keep every
    /// corner, the new area filled with `fill` (the scanner bed).
    pub fn skew(&self, degrees: f32, fill: u8) -> Self {
        let theta = degrees.to_radians();
        match self {
            Raster::Grey(i) => Raster::Grey(rotate_about_center_no_crop(
                i,
                theta,
                Interpolation::Bilinear,
                Border::Constant(Luma([fill])),
            )),
            Raster::Rgb(i) => Raster::Rgb(rotate_about_center_no_crop(
                i,
                theta,
                Interpolation::Bilinear,
                Border::Constant(Rgb([fill, fill, fill])),
            )),
        }
    }

    /// Gaussian blur of `sigma` pixels.
    pub fn blur(&self, sigma: f32) -> Self {
        match self {
            Raster::Grey(i) => Raster::Grey(gaussian_blur_f32(i, sigma)),
            Raster::Rgb(i) => Raster::Rgb(gaussian_blur_f32(i, sigma)),
        }
    }

    /// Additive gaussian noise of `sigma` grey levels (per channel).
    pub fn noise(&mut self, rng: &mut Rng, sigma: f64) {
        self.for_each(|_, _, channels| {
            for c in channels {
                *c = (f64::from(*c) + sigma * rng.gaussian()).round().clamp(0.0, 255.0) as u8;
            }
        });
    }

    /// Multiplies every pixel by `factor(x, y)`.
    fn illuminate(&mut self, factor: impl Fn(f32, f32) -> f32) {
        self.for_each(|x, y, channels| {
            let f = factor(x as f32, y as f32);
            for c in channels {
                *c = (f32::from(*c) * f).round().clamp(0.0, 255.0) as u8;
            }
        });
    }

    /// A soft shadow across part of the image (a hand, a lid, a curled page): up to 60 % darker.
    pub fn shadow(&mut self, rng: &mut Rng) {
        let (w, h) = self.dimensions();
        let (wf, hf) = (w as f32, h as f32);
        let depth = rng.range_f32(0.35, 0.6);
        if rng.chance(0.6) {
            // A straight edge at a random angle; dark on one side, a soft penumbra between.
            let angle = rng.range_f32(0.0, std::f32::consts::TAU);
            let (dx, dy) = (angle.cos(), angle.sin());
            let reach = (wf * dx.abs() + hf * dy.abs()) / 2.0;
            let edge = rng.range_f32(-0.4, 0.4) * reach;
            let soft = rng.range_f32(0.08, 0.35) * reach;
            self.illuminate(|x, y| {
                let d = (x - wf / 2.0) * dx + (y - hf / 2.0) * dy - edge;
                1.0 - depth * smoothstep(-soft, soft, d)
            });
        } else {
            // A round shadow (a phone held above the page).
            let (cx, cy) = (rng.range_f32(0.0, wf), rng.range_f32(0.0, hf));
            let radius = rng.range_f32(0.25, 0.6) * wf.max(hf);
            let soft = radius * rng.range_f32(0.2, 0.6);
            self.illuminate(|x, y| {
                let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
                1.0 - depth * (1.0 - smoothstep(radius - soft, radius + soft, d))
            });
        }
    }

    /// Squeezes the grey range to `range` (0.25-0.4 of full scale) around a centre near mid grey.
    pub fn low_contrast(&mut self, range: f32, centre: f32) {
        self.for_each(|_, _, channels| {
            for c in channels {
                *c = (centre + (f32::from(*c) - 127.5) * range).round().clamp(0.0, 255.0) as u8;
            }
        });
    }

    /// Encodes as JPEG of `quality`; returns the file and what a reader decodes from it.
    pub fn jpeg(&self, quality: u8) -> Result<(Vec<u8>, Raster), SynthError> {
        let mut bytes = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut bytes, quality);
        match self {
            Raster::Grey(i) => encoder.encode_image(i)?,
            Raster::Rgb(i) => encoder.encode_image(i)?,
        }
        let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg)?;
        let raster = match self {
            Raster::Grey(_) => Raster::Grey(decoded.into_luma8()),
            Raster::Rgb(_) => Raster::Rgb(decoded.into_rgb8()),
        };
        Ok((bytes, raster))
    }
}

fn smoothstep(lo: f32, hi: f32, x: f32) -> f32 {
    if hi <= lo {
        return if x < lo { 0.0 } else { 1.0 };
    }
    let t = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The document with rounded corners as an alpha mask (cards and passport pages are rounded).
pub fn rounded_card(doc: &RgbImage, radius_px: f32) -> RgbaImage {
    let (w, h) = doc.dimensions();
    let (wf, hf) = (w as f32, h as f32);
    let r = radius_px.max(0.0);
    RgbaImage::from_fn(w, h, |x, y| {
        let Rgb([red, green, blue]) = *doc.get_pixel(x, y);
        // Distance from the pixel centre into the nearest corner circle.
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let cx = px.clamp(r, (wf - r).max(r));
        let cy = py.clamp(r, (hf - r).max(r));
        let d = ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
        let alpha = (r + 0.5 - d).clamp(0.0, 1.0);
        Rgba([red, green, blue, (alpha * 255.0).round() as u8])
    })
}

/// Paints `layer` onto `dst` at (`x0`, `y0`) by its alpha; `tint` replaces its colour (shadows).
fn composite(dst: &mut RgbImage, layer: &RgbaImage, x0: i64, y0: i64, opacity: f32, tint: Option<[u8; 3]>) {
    let (dw, dh) = (i64::from(dst.width()), i64::from(dst.height()));
    for (x, y, p) in layer.enumerate_pixels() {
        let (dx, dy) = (x0 + i64::from(x), y0 + i64::from(y));
        if dx < 0 || dy < 0 || dx >= dw || dy >= dh {
            continue;
        }
        let a = f32::from(p.0[3]) / 255.0 * opacity;
        if a <= 0.0 {
            continue;
        }
        let src = tint.unwrap_or([p.0[0], p.0[1], p.0[2]]);
        let out = dst.get_pixel_mut(dx as u32, dy as u32);
        for (o, s) in out.0.iter_mut().zip(src) {
            *o = (f32::from(*o) * (1.0 - a) + f32::from(s) * a).round() as u8;
        }
    }
}

/// The bed margins (left, top, right, bottom, pixels) that [`scan`] draws first from `rng`: a
/// clone of the generator given to `scan` tells where the document will lie.
pub fn scan_margins(rng: &mut Rng, dpi: f32) -> [i64; 4] {
    let mm = Mm { dpi };
    [0; 4].map(|_| i64::from(mm.ipx(rng.range_f32(4.0, 12.0))))
}

/// A flatbed scan: the document on a white bed with a 4-12 mm margin each side and the faint
/// shadow of its edge.
pub fn scan(card: &RgbaImage, rng: &mut Rng, dpi: f32) -> RgbImage {
    let mm = Mm { dpi };
    let [left, top, right, bottom] = scan_margins(rng, dpi);
    let (w, h) = card.dimensions();
    let (bw, bh) = ((i64::from(w) + left + right) as u32, (i64::from(h) + top + bottom) as u32);
    let white = rng.int(244, 255) as f32;
    let fade = rng.range_f32(-6.0, 0.0);
    let mut bed = RgbImage::from_fn(bw, bh, |_, y| {
        let v = (white + fade * y as f32 / bh.max(1) as f32).round() as u8;
        Rgb([v, v, v])
    });
    let offset = i64::from(mm.ipx(0.25).max(1));
    composite(&mut bed, card, left + offset, top + offset, 0.35, Some([120, 120, 120]));
    composite(&mut bed, card, left, top, 1.0, None);
    bed
}

/// The bed colour at the corner of a scan, to fill around a skewed one.
pub fn bed_colour(raster: &Raster) -> u8 {
    match raster {
        Raster::Grey(i) => i.get_pixel_checked(0, 0).map_or(255, |p| p.0[0]),
        Raster::Rgb(i) => i.get_pixel_checked(0, 0).map_or(255, |p| p.0[0]),
    }
}

/// A cluttered desk: dark surface with grain, papers, a mug, pens.
fn desk(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let base = *rng
        .pick(&[[92.0, 64.0, 44.0], [58.0, 58.0, 64.0], [40.0, 46.0, 72.0], [54.0, 72.0, 58.0], [110.0, 100.0, 90.0]])
        .unwrap_or(&[70.0, 60.0, 50.0]);
    let (grain, period, wobble) = (rng.range_f32(4.0, 14.0), rng.range_f32(6.0, 30.0), rng.range_f32(50.0, 300.0));
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let g = grain * ((yf + 8.0 * (xf / wobble).sin()) / period).sin();
        Rgb(base.map(|v| (v + g).clamp(0.0, 255.0) as u8))
    });
    let (wi, hi) = (i64::from(w), i64::from(h));
    for _ in 0..rng.int(2, 6) {
        let v = rng.int(120, 200) as u8;
        let (x, y) = (rng.int(-wi / 4, wi) as i32, rng.int(-hi / 4, hi) as i32);
        let (rw, rh) = (rng.int(wi / 8, wi / 2) as u32, rng.int(hi / 8, hi / 2) as u32);
        draw_filled_rect_mut(&mut img, Rect::at(x, y).of_size(rw, rh), Rgb([v, v, v.saturating_sub(8)]));
    }
    for _ in 0..rng.int(0, 2) {
        let colour = Rgb([rng.int(60, 220) as u8, rng.int(30, 160) as u8, rng.int(30, 160) as u8]);
        let r = rng.int(hi / 12, hi / 6) as i32;
        draw_filled_ellipse_mut(&mut img, (rng.int(0, wi) as i32, rng.int(0, hi) as i32), r, r, colour);
    }
    for _ in 0..rng.int(1, 4) {
        let colour = Rgb([rng.int(0, 60) as u8, rng.int(0, 60) as u8, rng.int(40, 180) as u8]);
        let (x, y) = (rng.range_f32(0.0, w as f32), rng.range_f32(0.0, h as f32));
        let (len, a) = (rng.range_f32(100.0, 400.0), rng.range_f32(0.0, std::f32::consts::TAU));
        for k in 0..5 {
            let o = k as f32;
            draw_line_segment_mut(&mut img, (x, y + o), (x + len * a.cos(), y + o + len * a.sin()), colour);
        }
    }
    img
}

/// Where the document lands in the photo and how.
#[derive(Debug, Clone, Copy)]
pub struct PhotoGeometry {
    /// Pixels per inch of the document at its centre.
    pub effective_dpi: f32,
    /// In-plane rotation, degrees clockwise.
    pub roll_degrees: f32,
}

/// The four corners of a `w` x `h` document centred at (`cx`, `cy`) after a 3-D tilt and roll,
/// seen by a pinhole camera of focal length `focal` (pixels).
fn project_corners(
    w: f32,
    h: f32,
    (cx, cy): (f32, f32),
    (tilt_x, tilt_y, roll): (f32, f32, f32),
    focal: f32,
) -> [(f32, f32); 4] {
    let corners = [(-w / 2.0, -h / 2.0), (w / 2.0, -h / 2.0), (w / 2.0, h / 2.0), (-w / 2.0, h / 2.0)];
    corners.map(|(x, y)| {
        let (x, y) = (x * roll.cos() - y * roll.sin(), x * roll.sin() + y * roll.cos());
        let (y, z) = (y * tilt_x.cos(), y * tilt_x.sin());
        let (x, z) = (x * tilt_y.cos() + z * tilt_y.sin(), -x * tilt_y.sin() + z * tilt_y.cos());
        let depth = focal + z;
        (cx + focal * x / depth, cy + focal * y / depth)
    })
}

/// Size of the phone frame and how much of its width the document should fill.
pub fn photo_frame(rng: &mut Rng) -> ((u32, u32), f32) {
    let frame = if rng.chance(0.5) { (1600, 1200) } else { (2000, 1500) };
    (frame, rng.range_f32(0.5, 0.8))
}

/// A phone photo of `card` (rendered at `card_dpi`): perspective onto a cluttered desk, uneven
/// light, a little blur and noise. `fill` is the share of the frame width the document spans.
pub fn phone_photo(
    card: &RgbaImage,
    card_dpi: f32,
    rng: &mut Rng,
    frame: (u32, u32),
    fill: f32,
) -> Result<(RgbImage, PhotoGeometry), SynthError> {
    let (fw, fh) = (frame.0 as f32, frame.1 as f32);
    let (cw, ch) = (card.width() as f32, card.height() as f32);
    let roll = rng.range_f32(-12.0, 12.0).to_radians();
    let tilt = (rng.range_f32(-18.0, 18.0).to_radians(), rng.range_f32(-18.0, 18.0).to_radians());
    let focal = fw * rng.range_f32(0.8, 1.2);
    let centre = (fw / 2.0 + rng.range_f32(-0.05, 0.05) * fw, fh / 2.0 + rng.range_f32(-0.05, 0.05) * fh);
    let mut width = fill * fw;
    let mut quad = project_corners(width, width * ch / cw, centre, (tilt.0, tilt.1, roll), focal);
    // Shrink until every corner is inside the frame with a small border.
    for _ in 0..20 {
        let inside = quad.iter().all(|&(x, y)| x > 0.03 * fw && x < 0.97 * fw && y > 0.03 * fh && y < 0.97 * fh);
        if inside {
            break;
        }
        width *= 0.93;
        quad = project_corners(width, width * ch / cw, centre, (tilt.0, tilt.1, roll), focal);
    }
    let from = [(0.0, 0.0), (cw, 0.0), (cw, ch), (0.0, ch)];
    let projection = Projection::from_control_points(from, quad).ok_or(SynthError::Geometry)?;
    let mut layer = RgbaImage::new(frame.0, frame.1);
    warp_into(card, projection, Interpolation::Bilinear, Border::Constant(Rgba([0, 0, 0, 0])), &mut layer);
    let mut photo = desk(rng, frame.0, frame.1);
    let shadow = (rng.range_f32(4.0, 14.0) as i64, rng.range_f32(4.0, 14.0) as i64);
    composite(&mut photo, &layer, shadow.0, shadow.1, 0.45, Some([10, 10, 10]));
    composite(&mut photo, &layer, 0, 0, 1.0, None);
    let mut raster = Raster::Rgb(photo);
    // Uneven light: a gradient and a soft highlight.
    let base = rng.range_f32(0.7, 0.9);
    let angle = rng.range_f32(0.0, std::f32::consts::TAU);
    let slope = rng.range_f32(0.1, 0.3);
    let (hx, hy) = (rng.range_f32(0.0, fw), rng.range_f32(0.0, fh));
    let (glow, reach) = (rng.range_f32(0.1, 0.3), rng.range_f32(0.3, 0.6) * fw);
    raster.illuminate(|x, y| {
        let along = ((x / fw - 0.5) * angle.cos() + (y / fh - 0.5) * angle.sin()) * 2.0;
        let d2 = ((x - hx).powi(2) + (y - hy).powi(2)) / (reach * reach);
        (base + slope * along + glow * (-d2).exp()).clamp(0.35, 1.25)
    });
    let mut raster = raster.blur(rng.range_f32(0.6, 1.2));
    let grain = rng.range(1.0, 2.5);
    raster.noise(rng, grain);
    let Raster::Rgb(photo) = raster else { return Err(SynthError::Geometry) };
    let effective_dpi = card_dpi * width / cw;
    Ok((photo, PhotoGeometry { effective_dpi, roll_degrees: roll.to_degrees() }))
}
