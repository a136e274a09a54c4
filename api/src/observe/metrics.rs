//! What `/metrics` shows, in the Prometheus text format: requests and their latency per route
//! pattern (never the raw path, which would make a series per id) and status, the database
//! pool, how far each outbox consumer is behind, e-mail jobs by state, and search latency.
//!
//! One registry per server (no global recorder), so several servers in one process, as in the
//! tests, count separately. Gauges that describe the database are read when scraped.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route pattern (`/api/v1/products/{id}`), or `unmatched`.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConsumerLabels {
    consumer: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SearchLabels {
    kind: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// What the database side of a scrape reads (on the blocking pool).
#[derive(Debug, Default)]
pub struct Snapshot {
    /// (consumer, events behind, seconds the oldest unconsumed event has waited)
    pub outbox: Vec<(String, i64, f64)>,
    /// (state, jobs)
    pub mail_jobs: Vec<(&'static str, i64)>,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Histograms<RequestLabels>,
    searches: Histograms<SearchLabels>,
    pool_connections: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    outbox_events: Family<ConsumerLabels, Gauge>,
    outbox_seconds: Family<ConsumerLabels, Gauge<f64, AtomicU64>>,
    mail_jobs: Family<StateLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("tradefair");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let durations: Histograms<RequestLabels> = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from receiving a request to its response, by method, route pattern and status",
            durations.clone(),
        );
        let searches: Histograms<SearchLabels> = Family::new_with_constructor(latency_histogram);
        registry.register(
            "search_duration_seconds",
            "Time a search took in the index, by kind (products, suppliers, listings, suggest)",
            searches.clone(),
        );
        let pool_connections = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process's pool, by state (idle, in_use)",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "Size limit of this process's database pool",
            pool_max.clone(),
        );
        let outbox_events = Family::<ConsumerLabels, Gauge>::default();
        registry.register(
            "outbox_lag_events",
            "Outbox events a consumer has not handled yet (indexer: this process's search index)",
            outbox_events.clone(),
        );
        let outbox_seconds = Family::<ConsumerLabels, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "outbox_lag_seconds",
            "How long the oldest outbox event a consumer has not handled has waited",
            outbox_seconds.clone(),
        );
        let mail_jobs = Family::<StateLabels, Gauge>::default();
        registry.register("mail_jobs", "E-mail jobs by state", mail_jobs.clone());
        Metrics {
            registry,
            requests,
            durations,
            searches,
            pool_connections,
            pool_max,
            outbox_events,
            outbox_seconds,
            mail_jobs,
        }
    }

    pub fn record_request(&self, labels: RequestLabels, seconds: f64) {
        self.durations.get_or_create(&labels).observe(seconds);
        self.requests.get_or_create(&labels).inc();
    }

    pub fn record_search(&self, kind: &str, seconds: f64) {
        self.searches
            .get_or_create(&SearchLabels { kind: kind.into() })
            .observe(seconds);
    }

    /// The text to answer a scrape with, after setting the gauges from the pool's state and
    /// the database snapshot.
    pub fn render(&self, pool: &domain::db::DbPool, snapshot: &Snapshot) -> String {
        let state = pool.state();
        let idle = i64::from(state.idle_connections);
        let total = i64::from(state.connections);
        let set = |family: &Family<StateLabels, Gauge>, state: &str, value: i64| {
            family
                .get_or_create(&StateLabels {
                    state: state.into(),
                })
                .set(value);
        };
        set(&self.pool_connections, "idle", idle);
        set(&self.pool_connections, "in_use", total - idle);
        self.pool_max.set(i64::from(pool.max_size()));
        for (consumer, events, seconds) in &snapshot.outbox {
            let labels = ConsumerLabels {
                consumer: consumer.clone(),
            };
            self.outbox_events.get_or_create(&labels).set(*events);
            self.outbox_seconds.get_or_create(&labels).set(*seconds);
        }
        for (state, jobs) in &snapshot.mail_jobs {
            set(&self.mail_jobs, state, *jobs);
        }
        let mut text = String::new();
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::warn!(error = %e, "cannot encode the metrics");
        }
        text
    }
}

/// Reads the outbox lag of every consumer and the e-mail jobs by state. `indexer_position` is
/// this process's search index checkpoint (`None` while it is being built: everything is lag).
pub fn snapshot(
    conn: &mut domain::db::DbConnection,
    indexer_position: Option<i64>,
) -> diesel::QueryResult<Snapshot> {
    let now = domain::clock::now();
    let mut consumers = vec![("indexer".to_owned(), indexer_position.unwrap_or(0))];
    consumers.extend(domain::outbox::consumer_positions(conn)?);
    let mut outbox = Vec::with_capacity(consumers.len());
    for (name, position) in consumers {
        let lag = domain::outbox::lag_after(conn, position)?;
        let seconds = lag
            .oldest
            .map_or(0.0, |t| (now - t).as_seconds_f64().max(0.0));
        outbox.push((name, lag.events, seconds));
    }
    let mail_jobs = domain::email::jobs_by_status(conn)?
        .into_iter()
        .map(|(state, n)| (state.as_str(), n))
        .collect();
    Ok(Snapshot { outbox, mail_jobs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_per_route_pattern_and_status() {
        let metrics = Metrics::new();
        let labels = RequestLabels {
            method: "GET".into(),
            route: "/api/v1/products/{id}".into(),
            status: 200,
        };
        metrics.record_request(labels.clone(), 0.002);
        metrics.record_request(labels, 0.004);
        metrics.record_search("products", 0.01);
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.registry)
            .expect("encodes");
        assert!(
            text.contains(
                "tradefair_http_requests_total{method=\"GET\",route=\"/api/v1/products/{id}\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("tradefair_http_request_duration_seconds_bucket{"));
        assert!(text.contains("tradefair_search_duration_seconds_count{kind=\"products\"} 1"));
    }
}
