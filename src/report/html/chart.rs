//! The inline-SVG charts: horizontal bars and the score gauge.

use std::io::{self, Write};

use super::*;

/// Chart geometry, in SVG user units: a bar of 100 is `TRACK_W` wide.
const TRACK_W: u32 = 300;
const ROW_H: u32 = 28;
/// Width allowed per label character (13 px sans-serif, wide fonts included).
const CHAR_W: u32 = 8;
/// Longer chart labels are cut (the row's tooltip keeps the whole text).
const LABEL_CHARS: usize = 42;

/// One row of a horizontal bar chart.
pub(super) struct Bar<'a> {
    pub(super) label: &'a str,
    pub(super) score: Option<u32>,
    pub(super) seal: Option<u8>,
    pub(super) grade: Option<&'a str>,
    /// The fragment the label links to.
    pub(super) href: Option<String>,
}

impl Bar<'_> {
    /// The row in words, for its tooltip and for screen readers.
    fn describe(&self) -> String {
        let grade = self
            .grade
            .map(|g| format!(", grade {g}"))
            .unwrap_or_default();
        let seal = self.seal.map(|s| format!(", SEAL {s}")).unwrap_or_default();
        match self.score {
            Some(s) => format!("{}: {s} of 100{grade}{seal}", self.label),
            None => format!("{}: not assessed", self.label),
        }
    }
}

/// Where a chart's columns start: labels end at `label_end`, bars start at `track_x`.
#[derive(Clone, Copy)]
struct Layout {
    label_end: u32,
    track_x: u32,
}

impl Layout {
    /// Room for the longest label, bars after it, then the score and SEAL columns.
    fn for_bars(bars: &[Bar<'_>]) -> Self {
        let longest = bars
            .iter()
            .map(|b| b.label.chars().count().min(LABEL_CHARS))
            .max()
            .unwrap_or(0);
        let chars = u32::try_from(longest).unwrap_or(u32::MAX / CHAR_W);
        let label_end = (chars * CHAR_W + 8).clamp(96, 344);
        Self {
            label_end,
            track_x: label_end + 12,
        }
    }

    fn value_x(self) -> u32 {
        self.track_x + TRACK_W + 14
    }

    fn seal_x(self) -> u32 {
        self.value_x() + 78
    }

    fn width(self) -> u32 {
        self.seal_x() + 36
    }
}

/// A horizontal bar chart of 0-100 scores with their SEAL, as inline SVG.
pub(super) fn bar_chart(title: &str, bars: &[Bar<'_>], out: &mut dyn Write) -> io::Result<()> {
    let layout = Layout::for_bars(bars);
    let rows = u32::try_from(bars.len()).unwrap_or(u32::MAX);
    let body = rows.saturating_mul(ROW_H).saturating_add(24);
    let (width, height) = (layout.width(), body.saturating_add(22));
    let rows_text: Vec<String> = bars.iter().map(Bar::describe).collect();
    let summary = format!("{title}. {}.", rows_text.join("; "));
    writeln!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" role=\"img\" aria-label=\"{summary}\"><title>{t}</title>\n\
         <text x=\"{}\" y=\"14\" class=\"axis\">score</text>\
         <text x=\"{}\" y=\"14\" class=\"axis\">SEAL</text>",
        layout.value_x(),
        layout.seal_x(),
        summary = escape(&summary),
        t = escape(title)
    )?;
    for (row, bar) in (0u32..).zip(bars) {
        bar_row(
            layout,
            row.saturating_mul(ROW_H).saturating_add(24),
            bar,
            out,
        )?;
    }
    let axis_y = body.saturating_add(14);
    for tick in [0u32, 25, 50, 75, 100] {
        let x = layout.track_x + tick * TRACK_W / 100;
        writeln!(
            out,
            "<line x1=\"{x}\" y1=\"22\" x2=\"{x}\" y2=\"{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\
             <text x=\"{x}\" y=\"{axis_y}\" text-anchor=\"middle\" class=\"axis\">{tick}</text>",
            axis_y - 12
        )?;
    }
    writeln!(out, "</svg>")
}

fn bar_row(layout: Layout, y: u32, bar: &Bar<'_>, out: &mut dyn Write) -> io::Result<()> {
    let grade = bar.grade.map(|g| format!(" ({g})")).unwrap_or_default();
    let (text_y, track_x) = (y + 18, layout.track_x);
    let label = format!(
        "<text x=\"{}\" y=\"{text_y}\" text-anchor=\"end\" class=\"lbl\">{}</text>",
        layout.label_end,
        escape(&shorten(bar.label, LABEL_CHARS))
    );
    writeln!(out, "<g><title>{}</title>", escape(&bar.describe()))?;
    match &bar.href {
        Some(h) => writeln!(out, "<a href=\"{}\">{label}</a>", escape(h))?,
        None => writeln!(out, "{label}")?,
    }
    writeln!(
        out,
        "<rect x=\"{track_x}\" y=\"{}\" width=\"{TRACK_W}\" height=\"16\" rx=\"3\" fill=\"#e9edf2\"/>",
        y + 6
    )?;
    let Some(score) = bar.score else {
        return writeln!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" class=\"axis\">not assessed</text></g>",
            track_x + 8
        );
    };
    writeln!(
        out,
        "<rect x=\"{track_x}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"3\" fill=\"{}\"/>\
         <text x=\"{}\" y=\"{text_y}\" class=\"val\">{score}{}</text>",
        y + 6,
        score.min(100) * TRACK_W / 100,
        score_colour(score),
        layout.value_x(),
        escape(&grade)
    )?;
    if let Some(s) = bar.seal {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{text_y}\" class=\"val\" fill=\"{}\">{s}</text>",
            layout.seal_x() + 8,
            seal_colour(s)
        )?;
    }
    writeln!(out, "</g>")
}

/// A half-circle gauge from 0 to 100.
pub(super) fn gauge(
    n: usize,
    score: Option<u32>,
    grade: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    const ARC: &str = "M 30 120 A 90 90 0 0 1 210 120";
    let label = match score {
        Some(s) => format!("Sovereignty score {s} of 100, grade {grade}"),
        None => "Sovereignty score: not assessed".to_owned(),
    };
    writeln!(
        out,
        "<svg class=\"gauge\" viewBox=\"0 0 240 150\" width=\"240\" height=\"150\" role=\"img\" \
         aria-labelledby=\"gauge-{n}\"><title id=\"gauge-{n}\">{}</title>\n\
         <path d=\"{ARC}\" fill=\"none\" stroke=\"#e9edf2\" stroke-width=\"22\"/>",
        escape(&label)
    )?;
    if let Some(s) = score {
        writeln!(
            out,
            "<path d=\"{ARC}\" fill=\"none\" stroke=\"{}\" stroke-width=\"22\" pathLength=\"100\" \
             stroke-dasharray=\"{} 100\"/>",
            score_colour(s),
            s.min(100)
        )?;
    }
    writeln!(
        out,
        "<text x=\"120\" y=\"112\" text-anchor=\"middle\" font-size=\"48\" font-weight=\"700\" \
         fill=\"#1c2430\">{}</text>\n\
         <text x=\"120\" y=\"134\" text-anchor=\"middle\" class=\"axis\">score of 100</text>\n\
         <text x=\"30\" y=\"146\" text-anchor=\"middle\" class=\"axis\">0</text>\
         <text x=\"210\" y=\"146\" text-anchor=\"middle\" class=\"axis\">100</text>\n</svg>",
        number(score)
    )
}
