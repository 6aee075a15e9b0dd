//! Writes a sweep's rendering into its directory: `charts/*.svg` and
//! `index.html`, each whole or not at all. Used after a sweep and by
//! `harness report`, which is why it reads nothing but the results.

use std::io;
use std::path::{Path, PathBuf};

use super::{charts, html, write_atomically};
use crate::sweep::{Summary, SweepResults};

/// Renders `results` into `dir`; returns the page's path.
pub fn render_sweep(dir: &Path, results: &SweepResults) -> io::Result<PathBuf> {
    let summary = Summary::of(results);
    let sections = charts::sweep_charts(results, &summary).map_err(io::Error::other)?;
    let chart_dir = dir.join("charts");
    std::fs::create_dir_all(&chart_dir)?;
    for chart in sections.iter().flat_map(|s| &s.charts) {
        write_atomically(&chart_dir.join(&chart.file), chart.svg.as_bytes())?;
    }
    let page = dir.join("index.html");
    write_atomically(
        &page,
        html::sweep_page(results, &summary, &sections).as_bytes(),
    )?;
    Ok(page)
}
