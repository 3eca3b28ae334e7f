//! Every chart is built on the server twice from the same figures: a static
//! SVG drawing shown at first paint (`svg`), and the ECharts option built with
//! `charming` that the browser hands to ECharts once someone points at or
//! touches the chart (the WASM carries no chart code). Each has a table
//! equivalent for screen readers.

use super::{ChartSpec, Share, svg};
use crate::domain::kpi::{Kpi, WEEKDAYS, group, one_decimal};
use charming::Chart;
use charming::component::{Axis, Grid, VisualMap};
use charming::datatype::DataPoint;
use charming::element::{AxisLabel, AxisType, Color, ItemStyle, Label, LineStyle, SplitLine, Tooltip, Trigger};
use charming::series::{Bar, Funnel, Heatmap, Line, Pie};

const MUTED: &str = "#94a3b8";
const PALETTE: [&str; 6] = svg::PALETTE;

fn label() -> AxisLabel {
    AxisLabel::new().color(MUTED)
}

fn grid() -> Grid {
    Grid::new().left(8).right(16).top(16).bottom(8).contain_label(true)
}

fn split() -> SplitLine {
    SplitLine::new().line_style(LineStyle::new().color("rgba(148,163,184,0.2)"))
}

fn base() -> Chart {
    Chart::new()
        .color(PALETTE.iter().map(|c| Color::from(*c)).collect::<Vec<Color>>())
        .animation(false)
}

/// Categories along x, values up y (bars, lines), with the axis tooltip.
fn columns(categories: Vec<String>, value_axis: Axis) -> Chart {
    base()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(grid())
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(label())
                .data(categories),
        )
        .y_axis(
            value_axis
                .type_(AxisType::Value)
                .axis_label(label())
                .split_line(split()),
        )
}

fn spec(id: &str, title: &str, chart: Chart, svg: String, table: Vec<(String, String)>) -> ChartSpec {
    ChartSpec {
        id: id.into(),
        title: title.into(),
        option: serde_json::to_string(&chart).unwrap_or_default(),
        svg,
        table,
    }
}

fn value(kpis: &[Kpi], key: &str) -> f64 {
    kpis.iter().find(|k| k.key == key).and_then(|k| k.value).unwrap_or(0.0)
}

/// The funnel: messages sent → qualified → calls proposed → calls booked.
pub fn funnel(kpis: &[Kpi]) -> ChartSpec {
    let steps = [
        ("Messages envoyés", value(kpis, "messages_sent")),
        ("Qualifiés", value(kpis, "qualified_leads")),
        ("Calls proposés", value(kpis, "calls_proposed")),
        ("Calls réservés", value(kpis, "calls_booked")),
    ];
    let chart = base().tooltip(Tooltip::new().trigger(Trigger::Item)).series(
        Funnel::new()
            .min_size("8%")
            // The labels sit on the right: room for « Messages envoyés » on a phone.
            .left("2%")
            .width("58%")
            .label(Label::new().color(MUTED))
            .data(steps.iter().map(|(n, v)| (*v, *n)).collect()),
    );
    let table = steps.iter().map(|(n, v)| (n.to_string(), group(*v as i64))).collect();
    let drawing = svg::funnel(&steps.iter().map(|(n, v)| (n.to_string(), *v)).collect::<Vec<_>>());
    spec("chart-funnel", "Entonnoir", chart, drawing, table)
}

/// New leads per day over the period.
pub fn leads_per_day(days: &[(String, i64)]) -> ChartSpec {
    let categories: Vec<String> = days.iter().map(|(d, _)| d.clone()).collect();
    let counts: Vec<f64> = days.iter().map(|(_, n)| *n as f64).collect();
    let drawing = svg::columns(&categories, &counts, None, "", true);
    let chart =
        columns(categories, Axis::new()).series(Line::new().name("Leads").data(days.iter().map(|(_, n)| *n).collect()));
    let table = days.iter().map(|(d, n)| (d.clone(), group(*n))).collect();
    spec("chart-leads", "Leads par jour", chart, drawing, table)
}

/// Response rate of messages 1 to 4.
pub fn response_rates(kpis: &[Kpi]) -> ChartSpec {
    let names = ["Message 1", "Message 2", "Message 3", "Message 4"];
    let rates: Vec<f64> = (1..=4)
        .map(|i| (value(kpis, &format!("response_rate_msg{i}")) * 10.0).round() / 10.0)
        .collect();
    let categories: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let drawing = svg::columns(&categories, &rates, Some(100.0), " %", false);
    let chart =
        columns(categories, Axis::new().max(100)).series(Bar::new().name("Taux de réponse (%)").data(rates.clone()));
    let table = names
        .iter()
        .zip(&rates)
        .map(|(n, r)| (n.to_string(), format!("{} %", one_decimal(*r))))
        .collect();
    spec("chart-rates", "Taux de réponse", chart, drawing, table)
}

/// Gender split of the period's leads.
pub fn gender(kpis: &[Kpi]) -> ChartSpec {
    let parts = [
        ("Hommes", value(kpis, "male_share")),
        ("Femmes", value(kpis, "female_share")),
        ("Autre", value(kpis, "other_share")),
    ];
    let chart = base().tooltip(Tooltip::new().trigger(Trigger::Item)).series(
        Pie::new()
            .radius(vec!["45%", "75%"])
            .label(Label::new().color(MUTED))
            .item_style(ItemStyle::new().border_color("rgba(15,23,42,0.6)").border_width(2))
            .data(parts.iter().map(|(n, v)| ((v * 10.0).round() / 10.0, *n)).collect()),
    );
    let table = parts
        .iter()
        .map(|(n, v)| (n.to_string(), format!("{} %", one_decimal(*v))))
        .collect();
    let drawing = svg::donut(&parts.iter().map(|(n, v)| (n.to_string(), *v)).collect::<Vec<_>>());
    spec("chart-gender", "Répartition hommes / femmes", chart, drawing, table)
}

/// A horizontal bar chart of a top list.
pub fn top(id: &str, title: &str, shares: &[Share]) -> ChartSpec {
    let rows: Vec<&Share> = shares.iter().rev().collect();
    let chart = base()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(grid())
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .axis_label(label())
                .split_line(split()),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(label())
                .data(rows.iter().map(|s| s.label.clone()).collect()),
        )
        .series(Bar::new().name("Leads").data(rows.iter().map(|s| s.count).collect()));
    let table = shares
        .iter()
        .map(|s| {
            (
                s.label.clone(),
                format!("{} ({} %)", group(s.count), one_decimal(s.pct)),
            )
        })
        .collect();
    let drawing = svg::rows(
        &shares.iter().map(|s| s.label.clone()).collect::<Vec<_>>(),
        &shares.iter().map(|s| s.count as f64).collect::<Vec<_>>(),
    );
    spec(id, title, chart, drawing, table)
}

/// Replies by weekday and hour (Paris time).
pub fn heat_map(heat: &[[i64; 24]; 7]) -> ChartSpec {
    let max = heat.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut data = Vec::new();
    for (d, row) in heat.iter().enumerate() {
        for (h, n) in row.iter().enumerate() {
            data.push(vec![h as i64, d as i64, *n]);
        }
    }
    let chart = base()
        .tooltip(Tooltip::new().trigger(Trigger::Item))
        .grid(Grid::new().left(8).right(8).top(8).bottom(48).contain_label(true))
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(label())
                .data((0..24).map(|h| format!("{h} h")).collect()),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .axis_label(label())
                .data(WEEKDAYS.iter().map(|d| d.to_string()).collect()),
        )
        .visual_map(
            VisualMap::new()
                .min(0)
                .max(max as f64)
                .calculable(false)
                .orient(charming::element::Orient::Horizontal)
                .left("center")
                .bottom(0)
                .item_height(120)
                .text_style(charming::element::TextStyle::new().color(MUTED))
                .in_range(charming::component::VisualMapChannel::new().color(vec![
                    Color::from("rgba(59,130,246,0.08)"),
                    Color::from("#3b82f6"),
                    Color::from("#8b5cf6"),
                ])),
        )
        .series(
            Heatmap::new().name("Réponses").data(
                data.into_iter()
                    .map(|cell| cell.into_iter().map(DataPoint::from).collect::<Vec<DataPoint>>())
                    .collect::<Vec<_>>(),
            ),
        );
    let table = heat
        .iter()
        .enumerate()
        .map(|(d, row)| {
            let best = row.iter().enumerate().max_by_key(|(_, n)| **n).map(|(h, n)| (h, *n));
            let total: i64 = row.iter().sum();
            let text = match best {
                Some((h, n)) if n > 0 => format!("{} réponses, surtout vers {h} h ({n})", group(total)),
                _ => "aucune réponse".into(),
            };
            (WEEKDAYS[d].to_string(), text)
        })
        .collect();
    let drawing = svg::heat(
        &WEEKDAYS.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        &(0..24).map(|h| format!("{h} h")).collect::<Vec<_>>(),
        &heat.iter().map(|row| row.to_vec()).collect::<Vec<_>>(),
    );
    spec(
        "chart-heat",
        "Meilleurs moments (réponses reçues)",
        chart,
        drawing,
        table,
    )
}

/// Values by stage (owner pack).
pub fn by_stage(id: &str, title: &str, rows: &[(String, i64)]) -> ChartSpec {
    let categories: Vec<String> = rows.iter().map(|(s, _)| s.clone()).collect();
    let euros: Vec<f64> = rows.iter().map(|(_, c)| (*c as f64 / 100.0).round()).collect();
    let drawing = svg::columns(&categories, &euros, None, " €", false);
    let chart = columns(categories, Axis::new()).series(
        Bar::new()
            .name("€")
            .data(rows.iter().map(|(_, c)| (*c as f64 / 100.0).round()).collect()),
    );
    let table = rows
        .iter()
        .map(|(s, c)| (s.clone(), crate::domain::money::format_eur(*c)))
        .collect();
    spec(id, title, chart, drawing, table)
}
