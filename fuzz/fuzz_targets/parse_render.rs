//! Any bytes → parse → page → every format. No panic; every page that renders carries both
//! disclaimers, and any contact detail in its text is flagged as an error (so the publish path
//! refuses it).
#![no_main]

use laysum::check::contact_details;
use laysum::summary::WarningCode;
use laysum::{Format, Pipeline};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::new().expect("the wording loads"))
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(summary) = pipeline().summarize(bytes) else {
        return;
    };
    let ids: Vec<&str> = summary.disclaimers.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["informational", "summary_limits"]);
    let s = &summary.sections;
    let text = format!(
        "{} {} {} {} {}",
        summary.headline,
        s.summary,
        s.active_substance.as_deref().unwrap_or(""),
        s.what_this_could_lead_to,
        s.what_could_go_wrong
    );
    if !contact_details(&text).is_empty() {
        assert!(summary
            .quality
            .errors()
            .any(|w| w.code == WarningCode::ContactDetail));
    }
    for format in [Format::Json, Format::Markdown, Format::Html] {
        let page = pipeline().render(&summary, format).expect("a page renders");
        if format == Format::Html {
            assert!(!page.contains("<script"));
        }
    }
});
