//! The credit formula, version 1 (docs/credit.md explains it with a worked example). Pure: the
//! same components always give the same score.
//!
//! ```text
//! score = clamp(0, 100,
//!     25 × verified
//!   + 15 × min(days_on_platform, 1825) / 1825
//!   + 20 × response_rate                      (0.5 without response data)
//!   + 40 × (bayes − 1) / 4                    bayes = (5 × 3.5 + Σ stars) / (5 + n)
//!   −  5 × min(upheld_complaints, 6)          (upheld in the last 365 days)
//!   −  2 × min(active_penalty_points, 20))
//! ```
//! The score is published rounded to one decimal (stored in tenths).

/// Bumped with any change to the weights or the inputs; stored with each score.
pub const FORMULA_VERSION: i32 = 1;

pub const WEIGHT_VERIFIED: f64 = 25.0;
pub const WEIGHT_TENURE: f64 = 15.0;
/// Days on the platform that earn the whole tenure weight (5 years).
pub const TENURE_FULL_DAYS: i32 = 1825;
pub const WEIGHT_RESPONSE: f64 = 20.0;
/// The response rate assumed while a company has no decided inquiry.
pub const NO_RESPONSE_DATA_RATE: f64 = 0.5;
pub const WEIGHT_RATINGS: f64 = 40.0;
/// The Bayesian prior: every company starts with `PRIOR_WEIGHT` ratings of `PRIOR_MEAN` stars,
/// so one rating does not decide its score.
pub const PRIOR_MEAN: f64 = 3.5;
pub const PRIOR_WEIGHT: f64 = 5.0;
/// Points off per upheld complaint, for at most `MAX_COMPLAINTS` of them.
pub const COMPLAINT_PENALTY: f64 = 5.0;
pub const MAX_COMPLAINTS: i32 = 6;
/// Upheld complaints count for this many days after their resolution.
pub const COMPLAINT_WINDOW_DAYS: i64 = 365;
/// Score points off per active penalty point, for at most `MAX_PENALTY_POINTS` of them.
pub const POINT_PENALTY: f64 = 2.0;
pub const MAX_PENALTY_POINTS: i32 = 20;

/// The formula's inputs, as stored with each score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Components {
    /// Verified, not suspended, and the licence has not expired.
    pub verified: bool,
    /// Whole days since the company registered.
    pub days_on_platform: i32,
    /// The stored response rate (percent, last 30 days), if the company has one.
    pub response_rate_pct: Option<i32>,
    /// Published ratings that count: each buyer's latest of the company (`counted_ratings`).
    pub rating_count: i32,
    pub rating_sum: i32,
    /// Reports about the company or its items upheld in the last 365 days.
    pub upheld_complaints: i32,
    pub active_points: i32,
}

/// The Bayesian average rating (1–5).
pub fn bayesian_rating(count: i32, sum: i32) -> f64 {
    (PRIOR_WEIGHT * PRIOR_MEAN + f64::from(sum)) / (PRIOR_WEIGHT + f64::from(count))
}

/// Each term of the formula (deductions negative), before the sum is clamped to 0–100.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contributions {
    pub verification: f64,
    pub tenure: f64,
    pub response: f64,
    pub ratings: f64,
    pub complaints: f64,
    pub penalties: f64,
}

impl Contributions {
    pub fn of(c: &Components) -> Contributions {
        let rate = c
            .response_rate_pct
            .map(|p| f64::from(p.clamp(0, 100)) / 100.0)
            .unwrap_or(NO_RESPONSE_DATA_RATE);
        Contributions {
            verification: if c.verified { WEIGHT_VERIFIED } else { 0.0 },
            tenure: WEIGHT_TENURE * f64::from(c.days_on_platform.clamp(0, TENURE_FULL_DAYS))
                / f64::from(TENURE_FULL_DAYS),
            response: WEIGHT_RESPONSE * rate,
            ratings: WEIGHT_RATINGS * (bayesian_rating(c.rating_count, c.rating_sum) - 1.0) / 4.0,
            complaints: -COMPLAINT_PENALTY
                * f64::from(c.upheld_complaints.clamp(0, MAX_COMPLAINTS)),
            penalties: -POINT_PENALTY * f64::from(c.active_points.clamp(0, MAX_PENALTY_POINTS)),
        }
    }
}

/// The score, 0–100, unrounded.
pub fn score(c: &Components) -> f64 {
    let t = Contributions::of(c);
    (t.verification + t.tenure + t.response + t.ratings + t.complaints + t.penalties)
        .clamp(0.0, 100.0)
}

/// The score in tenths of a point (what is stored and indexed), rounded half away from zero.
pub fn score_tenths(c: &Components) -> i32 {
    (score(c) * 10.0).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of docs/credit.md.
    #[test]
    fn worked_example() {
        let c = Components {
            verified: true,
            days_on_platform: 400,
            response_rate_pct: Some(80),
            rating_count: 4,
            rating_sum: 16,
            upheld_complaints: 1,
            active_points: 3,
        };
        assert!((bayesian_rating(4, 16) - 33.5 / 9.0).abs() < 1e-12);
        assert!(
            (score(&c) - 60.509_893_455_098_93).abs() < 1e-9,
            "{}",
            score(&c)
        );
        assert_eq!(score_tenths(&c), 605);
    }

    #[test]
    fn a_new_company() {
        let c = Components {
            verified: false,
            days_on_platform: 0,
            response_rate_pct: None,
            rating_count: 0,
            rating_sum: 0,
            upheld_complaints: 0,
            active_points: 0,
        };
        assert_eq!(score_tenths(&c), 350);
        let verified = Components {
            verified: true,
            ..c
        };
        assert_eq!(score_tenths(&verified), 600);
    }

    #[test]
    fn bounded() {
        let worst = Components {
            verified: false,
            days_on_platform: 0,
            response_rate_pct: Some(0),
            rating_count: 100,
            rating_sum: 100,
            upheld_complaints: 50,
            active_points: 90,
        };
        assert_eq!(score(&worst), 0.0);
        let best = Components {
            verified: true,
            days_on_platform: 10_000,
            response_rate_pct: Some(100),
            rating_count: 1_000_000,
            rating_sum: 5_000_000,
            upheld_complaints: 0,
            active_points: 0,
        };
        assert!(score(&best) > 99.9 && score(&best) <= 100.0);
    }
}
