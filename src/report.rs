//! The figures a Modash report gives the flow (its account's userId, username and name, the
//! core metrics, the posts count), read from the report's JSON text as Modash sent it through
//! the paths of `notes::shape` (`REPORT_*`, each metric's in `METRICS`), in one pass that builds
//! nothing but the values asked for. Numbers keep their text (the write path stores it).

use crate::json::{JsonError, Parser, Scalar};
use crate::notes::shape::{self, ReportPath, METRICS, METRIC_COUNT};
use crate::platform::Platform;
use crate::write::Num;

/// What a report says, as far as the flow reads it. A figure the report lacks (or holds as
/// something else than a finite number) is `None`, never a made-up zero.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFigures {
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub fullname: Option<String>,
    /// In `METRICS` order.
    pub metrics: [Option<Num>; METRIC_COUNT],
    pub posts_count: Option<Num>,
    /// The metric keys (`METRICS`) the report did not give, for the caller's log.
    pub missing: Vec<&'static str>,
}

/// Why a text is not a report.
#[derive(Clone, Debug, PartialEq)]
pub enum NotAReport {
    /// Not JSON at all.
    Json(JsonError),
    /// JSON, but not an object with an object `profile`.
    Shape,
}

impl NotAReport {
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code::NotAReport
    }
}

impl std::fmt::Display for NotAReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAReport::Json(e) => write!(f, "the report is not JSON: {e}"),
            NotAReport::Shape => f.write_str("the report is not an object with a `profile` object"),
        }
    }
}

/// Which figure a wanted path feeds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Figure {
    Profile,
    UserId,
    Username,
    Fullname,
    PostsCount,
    Metric(usize),
}

/// One path to read, with its figure and its rank among that figure's paths.
struct Want {
    path: ReportPath,
    figure: Figure,
    rank: usize,
}

/// What stood at a wanted path.
#[derive(Clone, Debug, PartialEq)]
enum Found<'a> {
    Scalar(Scalar<'a>),
    Object,
}

/// The figures of `platform`'s report `text`.
pub fn figures(platform: Platform, text: &str) -> Result<ReportFigures, NotAReport> {
    let mut wants = vec![Want { path: &[shape::REPORT_PROFILE], figure: Figure::Profile, rank: 0 }];
    let mut add = |paths: &[ReportPath], figure| {
        for (rank, path) in paths.iter().enumerate() {
            wants.push(Want { path, figure, rank });
        }
    };
    add(shape::REPORT_USER_ID, Figure::UserId);
    add(shape::REPORT_USERNAME, Figure::Username);
    add(shape::REPORT_FULLNAME, Figure::Fullname);
    add(shape::REPORT_POSTS_COUNT, Figure::PostsCount);
    for (i, m) in METRICS.iter().enumerate() {
        add(m.report[platform.index()], Figure::Metric(i));
    }
    let mut found: Vec<Option<Found>> = vec![None; wants.len()];
    let mut p = Parser::new(text);
    p.ws();
    if p.peek() != Some(b'{') {
        p.skip_value().map_err(NotAReport::Json)?;
        p.finish().map_err(NotAReport::Json)?;
        return Err(NotAReport::Shape);
    }
    let all: Vec<usize> = (0..wants.len()).collect();
    walk(&mut p, 0, &wants, &all, &mut found).map_err(NotAReport::Json)?;
    p.finish().map_err(NotAReport::Json)?;
    if found[0] != Some(Found::Object) {
        return Err(NotAReport::Shape);
    }
    // Per figure, the value of its best-ranked path that holds a usable one.
    let best = |figure: Figure, usable: &dyn Fn(&Scalar) -> bool| -> Option<Scalar> {
        let mut hits: Vec<(usize, &Scalar)> = wants
            .iter()
            .zip(&found)
            .filter(|(w, _)| w.figure == figure)
            .filter_map(|(w, f)| match f {
                Some(Found::Scalar(s)) if usable(s) => Some((w.rank, s)),
                _ => None,
            })
            .collect();
        hits.sort_by_key(|(rank, _)| *rank);
        hits.first().map(|(_, s)| (*s).clone())
    };
    let text_of = |s: Scalar| match s {
        Scalar::String(t) => {
            let t = crate::text::trim(&t);
            (!t.is_empty()).then(|| t.to_string())
        }
        _ => None,
    };
    let finite = |s: &Scalar| matches!(s, Scalar::Number(t) if crate::decimal::parse(t).is_some_and(f64::is_finite));
    let num = |s: Scalar| match s {
        Scalar::Number(t) => crate::decimal::parse(t).map(|value| Num { value, text: t.to_string() }),
        _ => None,
    };
    let id_usable = |s: &Scalar| match s {
        Scalar::String(t) => !crate::text::trim(t).is_empty(),
        Scalar::Number(t) => crate::decimal::parse(t).is_some_and(|n| n.fract() == 0.0 && n.abs() <= crate::user_id::MAX_SAFE_INTEGER),
        _ => false,
    };
    let mut out = ReportFigures {
        user_id: best(Figure::UserId, &id_usable).and_then(|s| match s {
            Scalar::Number(t) => crate::decimal::parse(t).map(|n| format!("{}", n as i64)),
            s => text_of(s),
        }),
        username: best(Figure::Username, &|s| matches!(s, Scalar::String(_))).and_then(text_of),
        fullname: best(Figure::Fullname, &|s| matches!(s, Scalar::String(_))).and_then(text_of),
        posts_count: best(Figure::PostsCount, &finite).and_then(num),
        ..ReportFigures::default()
    };
    for (i, m) in METRICS.iter().enumerate() {
        out.metrics[i] = best(Figure::Metric(i), &finite).and_then(num);
        if out.metrics[i].is_none() {
            out.missing.push(m.key);
        }
    }
    Ok(out)
}

/// Reads the value at the cursor for the wants in `live` (indexes into `wants`), all of whose
/// paths agree on their first `depth` keys: those ending here take the value, the others go
/// on into it when it is an object. Paths are a few keys long: recursion is that shallow.
fn walk<'a>(p: &mut Parser<'a>, depth: usize, wants: &[Want], live: &[usize], found: &mut [Option<Found<'a>>]) -> Result<(), JsonError> {
    p.ws();
    let is_object = p.peek() == Some(b'{');
    let mut deeper = Vec::new();
    let mut scalar_here = false;
    for &i in live {
        if wants[i].path.len() == depth {
            if is_object && wants[i].figure == Figure::Profile {
                found[i] = Some(Found::Object);
            } else {
                scalar_here = true;
            }
        } else {
            deeper.push(i);
        }
    }
    if !is_object || deeper.is_empty() {
        let value = if scalar_here || !is_object { p.scalar()? } else { p.skip_value().map(|_| Scalar::Container)? };
        for &i in live {
            if wants[i].path.len() == depth && found[i].is_none() {
                found[i] = Some(Found::Scalar(value.clone()));
            }
        }
        return Ok(());
    }
    for &i in live {
        if wants[i].path.len() == depth && found[i].is_none() {
            found[i] = Some(Found::Scalar(Scalar::Container));
        }
    }
    p.object(|p, key| {
        let next: Vec<usize> = deeper.iter().copied().filter(|&i| wants[i].path[depth].as_bytes() == key).collect();
        if next.is_empty() {
            return p.skip_value();
        }
        // A key written twice: the last one counts, as with `JSON.parse`.
        for &i in &next {
            found[i] = None;
        }
        walk(p, depth + 1, wants, &next, found)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IG: &str = include_str!("../tests/fixtures/modash/report.instagram.json");
    const TT: &str = include_str!("../tests/fixtures/modash/report.tiktok.json");
    const YT: &str = include_str!("../tests/fixtures/modash/report.youtube.json");
    const IG_NO_VIEWS: &str = include_str!("../tests/fixtures/modash/report.instagram.no-views.json");

    fn metrics(f: &ReportFigures) -> [Option<&str>; 3] {
        [0, 1, 2].map(|i| f.metrics[i].as_ref().map(|n| n.text.as_str()))
    }

    #[test]
    fn a_numeric_user_id_is_taken_only_whole_and_exact() {
        // 1.5 is no id, and 2^60 has lost digits as a JSON number (mutation testing: an `||` there went unseen).
        for bad in ["1.5", "1152921504606846976"] {
            let text = format!(r#"{{"profile":{{"userId":{bad},"profile":{{"userId":{bad},"followers":1}}}}}}"#);
            assert_eq!(figures(Platform::Instagram, &text).unwrap().user_id, None, "{bad}");
        }
        let text = r#"{"profile":{"userId":173560420,"profile":{"followers":1}}}"#;
        assert_eq!(figures(Platform::Instagram, text).unwrap().user_id.as_deref(), Some("173560420"));
    }

    #[test]
    fn not_a_report_says_why_in_words() {
        // (The message reaches the server's log: mutation testing found nothing read it.)
        assert_eq!(NotAReport::Shape.to_string(), "the report is not an object with a `profile` object");
        assert!(figures(Platform::Instagram, "{").unwrap_err().to_string().starts_with("the report is not JSON: "));
    }

    #[test]
    fn documented_reports_give_their_figures() {
        let ig = figures(Platform::Instagram, IG).unwrap();
        assert_eq!(ig.user_id.as_deref(), Some("173560420"));
        assert_eq!(ig.username.as_deref(), Some("instagram"));
        assert_eq!(ig.fullname.as_deref(), Some("Instagram"));
        // Instagram's views are its Reels plays.
        assert_eq!(metrics(&ig), [Some("313300000"), Some("0.0027044"), Some("10478123")]);
        assert_eq!(ig.posts_count.as_ref().map(|n| n.value), Some(7234.0));
        assert!(ig.missing.is_empty());

        let tt = figures(Platform::Tiktok, TT).unwrap();
        assert_eq!(tt.user_id.as_deref(), Some("6784563164518679557"));
        assert_eq!(metrics(&tt), [Some("80512345"), Some("0.0841"), Some("1216800")]);

        let yt = figures(Platform::Youtube, YT).unwrap();
        assert_eq!(yt.user_id.as_deref(), Some("UCBR8-60-B28hp2BmDPdntcQ"));
        assert_eq!(yt.username.as_deref(), Some("youtube"));
        assert_eq!(metrics(&yt), [Some("44800000"), Some("0.0112"), Some("2094200")]);
    }

    #[test]
    fn a_missing_figure_is_none_and_named() {
        let f = figures(Platform::Instagram, IG_NO_VIEWS).unwrap();
        assert_eq!(metrics(&f), [Some("12040"), Some("0.0333"), None]);
        assert_eq!(f.missing, ["avgViews"]);
        // The platform decides the path: TikTok's views are not Reels plays.
        let tt = figures(Platform::Tiktok, r#"{"profile":{"avgReelsPlays":5,"profile":{"followers":1}}}"#).unwrap();
        assert_eq!(metrics(&tt), [Some("1"), None, None]);
        assert!(tt.missing.starts_with(&["engagementRate", "avgViews"]), "{:?}", tt.missing);
    }

    /// Every metric of `METRICS` from each platform's documented report, by name (the test a
    /// new metric adds its line to).
    #[test]
    fn a_report_gives_every_metric() {
        let by_key =
            |f: &ReportFigures| -> Vec<(&str, Option<f64>)> { METRICS.iter().zip(&f.metrics).map(|(m, n)| (m.key, n.as_ref().map(|n| n.value))).collect() };
        let want = |followers: f64, er: f64, views: f64, likes: f64| {
            vec![("followers", Some(followers)), ("engagementRate", Some(er)), ("avgViews", Some(views)), ("avgLikes", Some(likes))]
        };
        assert_eq!(by_key(&figures(Platform::Instagram, IG).unwrap()), want(313_300_000.0, 0.0027044, 10_478_123.0, 812_345.0));
        assert_eq!(by_key(&figures(Platform::Tiktok, TT).unwrap()), want(80_512_345.0, 0.0841, 1_216_800.0, 95_000.0));
        assert_eq!(by_key(&figures(Platform::Youtube, YT).unwrap()), want(44_800_000.0, 0.0112, 2_094_200.0, 18_000.0));
    }

    #[test]
    fn instagram_falls_back_to_avg_views_without_reels() {
        let f = figures(Platform::Instagram, r#"{"profile":{"avgViews":42,"avgReelsPlays":null}}"#).unwrap();
        assert_eq!(metrics(&f)[2], Some("42"));
    }

    #[test]
    fn figures_of_another_kind_are_not_made_up() {
        let f = figures(Platform::Youtube, r#"{"profile":{"userId":12,"profile":{"followers":"many","engagementRate":1e400,"username":7},"avgViews":[1]}}"#)
            .unwrap();
        assert_eq!(metrics(&f), [None, None, None]);
        assert_eq!(f.user_id.as_deref(), Some("12"), "a safe-integer id reads as its decimal text");
        assert_eq!(f.username, None);
    }

    /// A scalar where an object holding figures should be: those figures are absent, never the
    /// scalar itself (mutation testing: `==` → `!=` in `walk` went unseen).
    #[test]
    fn a_scalar_in_place_of_an_object_gives_no_figures() {
        let f = figures(Platform::Tiktok, r#"{"profile":{"profile":12345,"avgViews":7}}"#).unwrap();
        assert_eq!(metrics(&f), [None, None, Some("7")]);
        assert_eq!((f.user_id, f.username), (None, None));
    }

    #[test]
    fn the_last_of_a_repeated_key_counts() {
        let f = figures(Platform::Tiktok, r#"{"profile":{"profile":{"followers":1,"followers":2}}}"#).unwrap();
        assert_eq!(metrics(&f)[0], Some("2"));
    }

    #[test]
    fn what_is_not_a_report_says_so() {
        assert_eq!(figures(Platform::Instagram, "[]"), Err(NotAReport::Shape));
        assert_eq!(figures(Platform::Instagram, "{}"), Err(NotAReport::Shape));
        assert_eq!(figures(Platform::Instagram, r#"{"profile":[1]}"#), Err(NotAReport::Shape));
        assert_eq!(figures(Platform::Instagram, r#"{"profile":null}"#), Err(NotAReport::Shape));
        assert!(matches!(figures(Platform::Instagram, "<html>"), Err(NotAReport::Json(_))));
        assert!(matches!(figures(Platform::Instagram, r#"{"profile":{}} x"#), Err(NotAReport::Json(_))));
        // The message says where the text stops being JSON.
        let e = figures(Platform::Instagram, r#"{"profile":{}} x"#).unwrap_err().to_string();
        assert!(e.starts_with("the report is not JSON: ") && e.ends_with(" at byte 15"), "{e}");
        assert!(figures(Platform::Instagram, r#"{"profile":{}}"#).is_ok());
    }

    #[test]
    fn deep_or_odd_reports_never_panic() {
        let deep = format!("{{\"profile\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(figures(Platform::Instagram, &deep), Err(NotAReport::Shape));
        let nested = format!("{{\"profile\":{{\"profile\":{}1{}}}}}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
        assert!(figures(Platform::Instagram, &nested).is_ok());
    }
}
