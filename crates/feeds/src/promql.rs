//! PromQL queries over the Prometheus HTTP API: an instant query (`/api/v1/query`) and a range
//! query (`/api/v1/query_range`), for the KPI dashboard and its "Run" button. Results come
//! back as series of `(unix seconds, value)` points; Prometheus's `NaN` and `±Inf` are kept as
//! such. A query's error (a syntax error, a timeout) is Prometheus's own message. Results are
//! bounded: besides the body cap of every call, at most [`MAX_SERIES`] series and
//! [`MAX_POINTS`] points in all, and a range asks for at most [`MAX_STEPS`] steps.

use crate::prometheus::Prometheus;
use crate::{FeedsError, Result, endpoint};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most series one query may return.
pub const MAX_SERIES: usize = 500;
/// The most points one query may return, over all series.
pub const MAX_POINTS: usize = 100_000;
/// The most steps a range query may ask for (Prometheus itself refuses 11,000).
pub const MAX_STEPS: i64 = 5_000;

/// One labelled series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", ts(rename = "PromSeries"))]
pub struct Series {
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub labels: BTreeMap<String, String>,
    /// `(unix seconds, value)`, oldest first.
    pub points: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryData {
    result_type: String,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct RawSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<(f64, String)>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

fn number(source: &str, text: &str) -> Result<f64> {
    text.parse::<f64>()
        .map_err(|_| FeedsError::bad_response(source, format!("{text:?} is not a sample value")))
}

/// Turns a `{resultType, result}` answer into series, within the caps.
fn series_of(source: &str, data: QueryData) -> Result<Vec<Series>> {
    let too_big = |what: String| FeedsError::bad_response(source, what);
    match data.result_type.as_str() {
        "scalar" => {
            let (at, value): (f64, String) = serde_json::from_value(data.result)
                .map_err(|e| FeedsError::bad_response(source, format!("a bad scalar: {e}")))?;
            Ok(vec![Series {
                labels: BTreeMap::new(),
                points: vec![(at, number(source, &value)?)],
            }])
        }
        "vector" | "matrix" => {
            let raw: Vec<RawSeries> = serde_json::from_value(data.result).map_err(|e| {
                FeedsError::bad_response(source, format!("a bad {}: {e}", data.result_type))
            })?;
            if raw.len() > MAX_SERIES {
                return Err(too_big(format!(
                    "the query returned {} series (at most {MAX_SERIES}): aggregate it, e.g. sum(...) or topk(10, ...)",
                    raw.len()
                )));
            }
            let mut total = 0usize;
            let mut out = Vec::with_capacity(raw.len());
            for s in raw {
                let samples = s.value.into_iter().chain(s.values);
                let points = samples
                    .map(|(at, v)| Ok((at, number(source, &v)?)))
                    .collect::<Result<Vec<_>>>()?;
                total += points.len();
                if total > MAX_POINTS {
                    return Err(too_big(format!(
                        "the query returned more than {MAX_POINTS} points: use a larger step or a shorter range"
                    )));
                }
                out.push(Series { labels: s.metric, points });
            }
            Ok(out)
        }
        other => Err(FeedsError::bad_response(
            source,
            format!("a {other} result is not a number series"),
        )),
    }
}

impl Prometheus {
    /// The value of `expr` now (or at `at`, unix seconds).
    pub async fn query(&self, expr: &str, at: Option<i64>) -> Result<Vec<Series>> {
        let mut url = endpoint(&self.base, "api/v1/query");
        url.query_pairs_mut().append_pair("query", expr);
        if let Some(at) = at {
            url.query_pairs_mut().append_pair("time", &at.to_string());
        }
        series_of(&self.source(), self.api_url(url).await?)
    }

    /// `expr` from `start` to `end` (unix seconds) every `step` seconds.
    pub async fn query_range(
        &self,
        expr: &str,
        start: i64,
        end: i64,
        step: i64,
    ) -> Result<Vec<Series>> {
        if step <= 0 || end < start || (end - start) / step > MAX_STEPS {
            return Err(FeedsError::InvalidInput(format!(
                "a range query needs start <= end and a step that gives at most {MAX_STEPS} points"
            )));
        }
        let mut url = endpoint(&self.base, "api/v1/query_range");
        url.query_pairs_mut()
            .append_pair("query", expr)
            .append_pair("start", &start.to_string())
            .append_pair("end", &end.to_string())
            .append_pair("step", &step.to_string());
        series_of(&self.source(), self.api_url(url).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(kind: &str, result: serde_json::Value) -> QueryData {
        QueryData { result_type: kind.into(), result }
    }

    #[test]
    fn vectors_matrices_and_scalars_become_series() {
        let v = series_of(
            "p",
            data(
                "vector",
                serde_json::json!([{"metric": {"job": "api"}, "value": [1700000000.5, "0.25"]}]),
            ),
        )
        .unwrap();
        assert_eq!(v[0].labels["job"], "api");
        assert_eq!(v[0].points, vec![(1_700_000_000.5, 0.25)]);
        let m = series_of(
            "p",
            data(
                "matrix",
                serde_json::json!([{"metric": {}, "values": [[1, "1"], [2, "NaN"], [3, "+Inf"]]}]),
            ),
        )
        .unwrap();
        assert_eq!(m[0].points.len(), 3);
        assert!(m[0].points[1].1.is_nan() && m[0].points[2].1.is_infinite());
        let s = series_of("p", data("scalar", serde_json::json!([5, "42"]))).unwrap();
        assert_eq!(s[0].points, vec![(5.0, 42.0)]);
    }

    #[test]
    fn hostile_results_are_refused_with_what_to_do() {
        let err = series_of("p", data("vector", serde_json::json!([{"value": [1, "lots"]}])));
        assert!(err.unwrap_err().to_string().contains("\"lots\" is not a sample value"));
        let many: Vec<_> = (0..MAX_SERIES + 1)
            .map(|i| serde_json::json!({"metric": {"i": i.to_string()}, "value": [1, "1"]}))
            .collect();
        let err = series_of("p", data("vector", serde_json::Value::Array(many))).unwrap_err();
        assert!(err.to_string().contains("aggregate it"), "{err}");
        let points: Vec<_> = (0..MAX_POINTS + 1).map(|i| serde_json::json!([i, "1"])).collect();
        let err =
            series_of("p", data("matrix", serde_json::json!([{"values": points}]))).unwrap_err();
        assert!(err.to_string().contains("larger step"), "{err}");
        let err = series_of("p", data("string", serde_json::json!([1, "x"]))).unwrap_err();
        assert!(err.to_string().contains("not a number series"), "{err}");
        let err = series_of("p", data("vector", serde_json::json!({"not": "a list"}))).unwrap_err();
        assert!(err.to_string().contains("a bad vector"), "{err}");
    }
}
