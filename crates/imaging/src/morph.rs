//! Fast grey-level morphology: separable min/max filters in O(1) per pixel (van Herk / Gil-Werman),
//! so kernel size does not cost time.

use image::GrayImage;

/// Running min (`max == false`) or max over windows of `k` (odd) centred on each element.
fn filter_1d(src: &[u8], dst: &mut [u8], k: usize, max: bool) {
    let n = src.len();
    if n == 0 || k <= 1 {
        dst.copy_from_slice(src);
        return;
    }
    let r = k / 2;
    let pick = |a: u8, b: u8| if max { a.max(b) } else { a.min(b) };
    let edge = if max { 0u8 } else { 255u8 };
    // Pad by r on both sides with the neutral value, then blocks of k.
    let padded_len = n + 2 * r;
    let blocks = padded_len.div_ceil(k);
    let total = blocks * k;
    let at = |i: usize| if i < r || i >= r + n { edge } else { src.get(i - r).copied().unwrap_or(edge) };
    let mut prefix = vec![edge; total];
    let mut suffix = vec![edge; total];
    for b in 0..blocks {
        let start = b * k;
        let mut acc = edge;
        for i in start..start + k {
            acc = pick(acc, at(i));
            if let Some(p) = prefix.get_mut(i) {
                *p = acc;
            }
        }
        let mut acc = edge;
        for i in (start..start + k).rev() {
            acc = pick(acc, at(i));
            if let Some(s) = suffix.get_mut(i) {
                *s = acc;
            }
        }
    }
    // Window [i, i + k - 1] in padded coordinates is centred on element i.
    for (i, out) in dst.iter_mut().enumerate() {
        let left = suffix.get(i).copied().unwrap_or(edge);
        let right = prefix.get(i + k - 1).copied().unwrap_or(edge);
        *out = pick(left, right);
    }
}

/// Min (erosion) or max (dilation) over a `kw` x `kh` rectangle.
pub fn rect_filter(image: &GrayImage, kw: usize, kh: usize, max: bool) -> GrayImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut rows = GrayImage::new(image.width(), image.height());
    {
        let src = image.as_raw();
        let dst: &mut [u8] = &mut rows;
        for y in 0..h {
            let (Some(s), Some(d)) = (src.get(y * w..(y + 1) * w), dst.get_mut(y * w..(y + 1) * w)) else { continue };
            filter_1d(s, d, kw | 1, max);
        }
    }
    let mut out = GrayImage::new(image.width(), image.height());
    let mut column = vec![0u8; h];
    let mut filtered = vec![0u8; h];
    let src = rows.as_raw();
    let dst: &mut [u8] = &mut out;
    for x in 0..w {
        for (y, c) in column.iter_mut().enumerate() {
            *c = src.get(y * w + x).copied().unwrap_or(0);
        }
        filter_1d(&column, &mut filtered, kh | 1, max);
        for (y, &v) in filtered.iter().enumerate() {
            if let Some(d) = dst.get_mut(y * w + x) {
                *d = v;
            }
        }
    }
    out
}

/// Grey closing (dilate then erode): fills dark details smaller than the kernel.
pub fn close(image: &GrayImage, kw: usize, kh: usize) -> GrayImage {
    rect_filter(&rect_filter(image, kw, kh, true), kw, kh, false)
}

/// Grey opening (erode then dilate): removes light details smaller than the kernel.
pub fn open(image: &GrayImage, kw: usize, kh: usize) -> GrayImage {
    rect_filter(&rect_filter(image, kw, kh, false), kw, kh, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(src: &[u8], k: usize, max: bool) -> Vec<u8> {
        let r = k / 2;
        (0..src.len())
            .map(|i| {
                let lo = i.saturating_sub(r);
                let hi = (i + r).min(src.len() - 1);
                let w = &src[lo..=hi];
                if max { *w.iter().max().unwrap() } else { *w.iter().min().unwrap() }
            })
            .collect()
    }

    #[test]
    fn matches_the_naive_filter() {
        let src: Vec<u8> = (0..97u32).map(|i| ((i * 37 + 11) % 251) as u8).collect();
        for k in [1, 3, 5, 9, 15, 31] {
            for max in [false, true] {
                let mut dst = vec![0; src.len()];
                filter_1d(&src, &mut dst, k, max);
                assert_eq!(dst, naive(&src, k, max), "k={k} max={max}");
            }
        }
    }
}
