//! Distances on the Earth, for routing leads by radius.

use serde::{Deserialize, Serialize};

/// Mean Earth radius in km (IUGG).
const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// A point in WGS 84 degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

impl Point {
    /// A point; `None` when out of range or not a number.
    pub fn new(lat: f64, lon: f64) -> Option<Point> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some(Point { lat, lon })
    }
}

/// Great-circle distance in km (haversine): within 0.5 % of the road-free
/// ellipsoidal distance, which is all a work radius needs.
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The latitude/longitude box holding every point within `km` of `centre`
/// (a cheap database pre-filter before the exact distance).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    /// Southern edge.
    pub min_lat: f64,
    /// Northern edge.
    pub max_lat: f64,
    /// Western edge.
    pub min_lon: f64,
    /// Eastern edge.
    pub max_lon: f64,
}

/// The box around `centre` with half-side `km` (widened in longitude with the
/// latitude; never crosses the antimeridian in France, so not handled).
pub fn bounding_box(centre: Point, km: f64) -> BoundingBox {
    let dlat = (km / EARTH_RADIUS_KM).to_degrees();
    // The widest longitude span of a spherical cap: asin(sin(r) / cos(lat)).
    let cos = centre.lat.to_radians().cos().max(0.01);
    let dlon = ((km / EARTH_RADIUS_KM).sin() / cos).min(1.0).asin().to_degrees();
    BoundingBox {
        min_lat: centre.lat - dlat,
        max_lat: centre.lat + dlat,
        min_lon: centre.lon - dlon,
        max_lon: centre.lon + dlon,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lyon_to_paris_is_about_392_km() {
        let lyon = Point::new(45.764, 4.8357).unwrap();
        let paris = Point::new(48.8566, 2.3522).unwrap();
        let d = distance_km(lyon, paris);
        assert!((d - 392.0).abs() < 3.0, "{d}");
        assert_eq!(distance_km(lyon, lyon), 0.0);
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(0.0, f64::NAN).is_none());
    }

    proptest! {
        #[test]
        fn the_box_holds_every_point_within_the_distance(
            lat in 41.0f64..51.5, lon in -5.5f64..9.8, bearing in 0.0f64..360.0, km in 0.0f64..300.0,
        ) {
            let centre = Point { lat, lon };
            // The point `km` away along `bearing` (spherical destination formula).
            let (p1, l1, b) = (lat.to_radians(), lon.to_radians(), bearing.to_radians());
            let ang = km / EARTH_RADIUS_KM;
            let p2 = (p1.sin() * ang.cos() + p1.cos() * ang.sin() * b.cos()).asin();
            let l2 = l1 + (b.sin() * ang.sin() * p1.cos()).atan2(ang.cos() - p1.sin() * p2.sin());
            let far = Point { lat: p2.to_degrees(), lon: l2.to_degrees() };
            prop_assert!((distance_km(centre, far) - km).abs() < 1e-6 * km.max(1.0));
            let bx = bounding_box(centre, km * 1.000_001 + 1e-9);
            prop_assert!(far.lat >= bx.min_lat && far.lat <= bx.max_lat);
            prop_assert!(far.lon >= bx.min_lon && far.lon <= bx.max_lon);
        }

        #[test]
        fn distance_is_symmetric(a in 41.0f64..51.5, b in -5.5f64..9.8, c in 41.0f64..51.5, d in -5.5f64..9.8) {
            let (x, y) = (Point { lat: a, lon: b }, Point { lat: c, lon: d });
            prop_assert!((distance_km(x, y) - distance_km(y, x)).abs() < 1e-9);
        }
    }
}
