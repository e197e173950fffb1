//! `docs/benchmarks.svg`: Weave / faster peer per workload, as bars, written as SVG text.
//!
//! One group of two bars per workload (multi-thread, current-thread), with a dashed line at
//! the target ratio and a solid one at parity.

use std::fmt::Write;

use super::{WorkloadResult, TARGET_RATIO};

/// The width of one workload's pair of bars.
const GROUP_WIDTH: f64 = 64.0;
const HEIGHT: f64 = 480.0;
/// Bars above this ratio are cut at it (and labelled with their value), so that one far-off
/// workload does not flatten every other bar.
const CAP: f64 = 3.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 90.0;
const TOP: f64 = 60.0;
const BOTTOM: f64 = 130.0;
const MT_COLOUR: &str = "#4878d0";
const CT_COLOUR: &str = "#ee854a";

/// Renders the ratio chart of `results` as a standalone SVG document.
pub fn render(results: &[WorkloadResult]) -> String {
    let bars: Vec<(&str, f64, f64)> = results
        .iter()
        .map(|result| (result.entry.name, result.ratio(true), result.ratio(false)))
        .collect();
    let highest = bars
        .iter()
        .flat_map(|&(_, mt, ct)| [mt, ct])
        .filter(|ratio| ratio.is_finite())
        .fold(1.25_f64, f64::max);
    // The axis goes up to the next half above the highest bar, with some headroom.
    let top = (highest.min(CAP) * 1.1 * 2.0).ceil() / 2.0;
    let width = LEFT + RIGHT + GROUP_WIDTH * bars.len().max(8) as f64;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y = |ratio: f64| TOP + plot_height * (1.0 - ratio / top);

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {width} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{LEFT}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\
         Weave / faster peer, per workload (medians; lower is better; bars cut at 3)</text>\n"
    );
    legend(&mut svg);
    axis(&mut svg, width, top, &y);
    // The reference lines go under the bars, so no bar label is crossed out.
    let target = format!("target {TARGET_RATIO}");
    for (ratio, label, colour, dash) in [
        (1.0, "parity 1.0", "#555", ""),
        (
            TARGET_RATIO,
            &target,
            "#2a9d3a",
            " stroke-dasharray=\"6 4\"",
        ),
    ] {
        let (right, at) = (width - RIGHT, y(ratio));
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{right}\" y1=\"{at:.1}\" y2=\"{at:.1}\" stroke=\"{colour}\" \
             stroke-width=\"1.5\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\" \
             fill=\"{colour}\">{label}</text>",
            right + 6.0,
            at + 4.0,
        );
    }
    let plot_width = width - LEFT - RIGHT;
    let group = plot_width / bars.len().max(1) as f64;
    for (index, &(name, mt, ct)) in bars.iter().enumerate() {
        let left = LEFT + group * index as f64;
        for (ratio, offset, colour) in [(mt, 0.15, MT_COLOUR), (ct, 0.52, CT_COLOUR)] {
            bar(
                &mut svg,
                left + group * offset,
                group * 0.33,
                ratio,
                top,
                colour,
                &y,
            );
        }
        let (x, at) = (left + group / 2.0, HEIGHT - BOTTOM + 14.0);
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{at:.1}\" text-anchor=\"end\" \
             transform=\"rotate(-40 {x:.1} {at:.1})\">{name}</text>",
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn legend(svg: &mut String) {
    for (index, (colour, label)) in [
        (MT_COLOUR, "weave_mt / min(tokio_mt, smol_mt)"),
        (CT_COLOUR, "weave_ct / min(tokio_ct, smol_ct)"),
    ]
    .into_iter()
    .enumerate()
    {
        let x = LEFT + 300.0 * index as f64;
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"36\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"46\">{label}</text>",
            x + 18.0,
        );
    }
}

fn axis(svg: &mut String, width: f64, top: f64, y: &impl Fn(f64) -> f64) {
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{:.1}\" stroke=\"#333\"/>",
        y(0.0)
    );
    // About eight gridlines whatever the range.
    let step = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|&step| top / step <= 10.0)
        .unwrap_or(top / 8.0);
    let ticks = (top / step).floor() as usize;
    for tick in 0..=ticks {
        let ratio = tick as f64 * step;
        let (right, at) = (width - RIGHT, y(ratio));
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{right}\" y1=\"{at:.1}\" y2=\"{at:.1}\" stroke=\"#eee\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{ratio:.2}</text>",
            LEFT - 6.0,
            at + 4.0,
        );
    }
}

fn bar(
    svg: &mut String,
    x: f64,
    width: f64,
    ratio: f64,
    top: f64,
    colour: &str,
    y: &impl Fn(f64) -> f64,
) {
    if !ratio.is_finite() {
        return;
    }
    // A bar past the top of the axis stops there; its label still gives its value.
    let (at, base) = (y(ratio.min(top)), y(0.0));
    let _ = writeln!(
        svg,
        "<rect x=\"{x:.1}\" y=\"{at:.1}\" width=\"{width:.1}\" height=\"{:.1}\" \
         fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
         stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{ratio:.2}</text>",
        base - at,
        x + width / 2.0,
        at - 4.0,
    );
}
