//! The HTML report: ROC and precision-recall curves drawn with `plotters` (SVG, inline,
//! so the file stands alone with no fonts or scripts), tables, and the ranked list.

use plotters::prelude::*;

/// A chart: several named curves of (x, y) points in [0, 1].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x: String,
    /// Y axis label.
    pub y: String,
    /// (name, points).
    pub series: Vec<(String, Vec<(f64, f64)>)>,
}

/// A table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Caption.
    pub caption: String,
    /// Column heads.
    pub head: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// A whole report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Title.
    pub title: String,
    /// Paragraphs before the charts.
    pub summary: Vec<String>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Tables.
    pub tables: Vec<Table>,
}

const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
    RGBColor(127, 127, 127),
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Draws one chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (520, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut ctx = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)
            .map_err(|e| e.to_string())?;
        ctx.configure_mesh()
            .x_desc(chart.x.as_str())
            .y_desc(chart.y.as_str())
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (name, points)) in chart.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            ctx.draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
        }
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

impl Report {
    /// The report as one standalone HTML page.
    pub fn html(&self) -> Result<String, String> {
        let mut page = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title><style>\
             body{{font-family:sans-serif;margin:2em;max-width:1100px}}\
             table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}\
             th{{background:#f3f3f3}}.charts{{display:flex;flex-wrap:wrap;gap:12px}}</style></head><body>\n<h1>{0}</h1>\n",
            escape(&self.title)
        );
        for paragraph in &self.summary {
            page.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
        page.push_str("<div class=\"charts\">\n");
        for chart in &self.charts {
            page.push_str(&svg(chart)?);
            page.push('\n');
        }
        page.push_str("</div>\n");
        for table in &self.tables {
            page.push_str(&format!(
                "<table><caption>{}</caption><tr>",
                escape(&table.caption)
            ));
            for head in &table.head {
                page.push_str(&format!("<th>{}</th>", escape(head)));
            }
            page.push_str("</tr>\n");
            for row in &table.rows {
                page.push_str("<tr>");
                for cell in row {
                    page.push_str(&format!("<td>{}</td>", escape(cell)));
                }
                page.push_str("</tr>\n");
            }
            page.push_str("</table>\n");
        }
        page.push_str("</body></html>\n");
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_one_page_with_its_charts_and_escaped_tables() {
        let report = Report {
            title: "Sentinel <test>".into(),
            summary: vec!["two curves".into()],
            charts: vec![Chart {
                title: "ROC".into(),
                x: "false-positive rate".into(),
                y: "true-positive rate".into(),
                series: vec![
                    ("sentinel".into(), vec![(0.0, 0.0), (0.1, 0.9), (1.0, 1.0)]),
                    ("rules".into(), vec![(0.0, 0.0), (1.0, 1.0)]),
                ],
            }],
            tables: vec![Table {
                caption: "kinds".into(),
                head: vec!["kind".into(), "AUC".into()],
                rows: vec![vec!["a&b".into(), "0.99".into()]],
            }],
        };
        let html = report.html().expect("renders");
        assert!(html.starts_with("<!doctype html>"));
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(html.contains("Sentinel &lt;test&gt;") && html.contains("a&amp;b"));
        assert!(html.contains("sentinel") && html.contains("polyline"));
    }
}
