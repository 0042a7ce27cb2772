//! Step 1, parse: bytes → [`Study`].
//!
//! The parse is lenient about fields (see [`crate::ctgov::lenient`]) and strict about what makes
//! a study at all: a JSON object with a `protocolSection` that names its NCT id. Anything else
//! is a [`ParseError`] that says what is wrong and where.

use crate::ctgov::{lenient, Study};
use crate::error::ParseError;

/// The field that names a study; a record without it is not a study.
pub const NCT_ID_FIELD: &str = "protocolSection.identificationModule.nctId";

/// Reads one study record.
pub fn parse(bytes: &[u8]) -> Result<Study, ParseError> {
    // The record is checked to be UTF-8 once, whole, and read as text: several times cheaper
    // than checking each of its hundreds of strings as they are read.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(not_utf8(bytes));
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let study: Option<Study> = lenient::object(&mut de).map_err(ParseError::from_json)?;
    de.end().map_err(ParseError::from_json)?;
    let study = study.ok_or_else(|| ParseError::NotAnObject {
        found: json_kind(bytes),
    })?;
    let protocol = study
        .protocol_section
        .as_ref()
        .ok_or(ParseError::NoProtocolSection)?;
    let has_id = protocol
        .identification_module
        .as_ref()
        .and_then(|m| m.nct_id.as_deref())
        .is_some_and(|id| !id.trim().is_empty());
    if !has_id {
        return Err(ParseError::NoNctId {
            field: NCT_ID_FIELD,
        });
    }
    Ok(study)
}

/// What is wrong with a record that is not UTF-8, where serde_json finds it: reading the
/// record as bytes stops at the first string that is not text (or at the stray byte outside
/// strings, which is not JSON either).
fn not_utf8(bytes: &[u8]) -> ParseError {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(e) => ParseError::from_json(e),
        // Cannot happen (a byte that is not text is in a string or is not JSON), but a record
        // must not bring the service down.
        Ok(_) => ParseError::NotJson {
            line: 1,
            column: 1,
            reason: "the record is not UTF-8 text".to_owned(),
        },
    }
}

/// Names the kind of JSON value a record holds, for the error message.
fn json_kind(bytes: &[u8]) -> &'static str {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_json_names_line_and_column() {
        let err = parse(b"{\n  \"a\": 1,\n  oops\n}").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("not JSON at line 3 column 3"), "{msg}");
    }

    #[test]
    fn a_record_that_is_not_utf8_names_where() {
        let err = parse(b"{\n  \"a\": \"caf\xe9\"\n}").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("not JSON at line 2 column") && msg.contains("unicode"),
            "{msg}"
        );
    }

    #[test]
    fn empty_input_is_not_json() {
        assert!(parse(b"").unwrap_err().to_string().starts_with("not JSON"));
    }

    #[test]
    fn array_is_not_a_study() {
        let msg = parse(b"[1, 2]").unwrap_err().to_string();
        assert_eq!(
            msg,
            "not a study: the record is an array, not a JSON object"
        );
    }

    #[test]
    fn record_without_protocol_section_is_refused() {
        let msg = parse(br#"{"hasResults": false}"#).unwrap_err().to_string();
        assert!(msg.contains("no protocolSection"), "{msg}");
    }

    #[test]
    fn record_without_nct_id_names_the_field() {
        let msg = parse(br#"{"protocolSection": {"identificationModule": {"briefTitle": "x"}}}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg,
            "no NCT id at protocolSection.identificationModule.nctId"
        );
    }

    #[test]
    fn wrong_types_are_skipped_not_fatal() {
        let study = parse(
            br#"{"protocolSection": {
                "identificationModule": {"nctId": "NCT01234567", "briefTitle": 42},
                "designModule": {"phases": "PHASE2", "enrollmentInfo": {"count": "120"}},
                "statusModule": [1, 2, 3],
                "conditionsModule": {"conditions": [{"x": 1}, "Asthma", null]}
            }, "hasResults": "yes"}"#,
        )
        .unwrap();
        let p = study.protocol_section.unwrap();
        assert_eq!(
            p.identification_module.unwrap().brief_title.as_deref(),
            Some("42")
        );
        let design = p.design_module.unwrap();
        assert_eq!(design.phases, vec!["PHASE2"]);
        assert_eq!(design.enrollment_info.unwrap().count, Some(120));
        assert!(p.status_module.is_none());
        assert_eq!(p.conditions_module.unwrap().conditions, vec!["Asthma"]);
        assert_eq!(study.has_results, Some(true));
    }

    #[test]
    fn deep_nesting_is_skipped_not_a_crash() {
        // serde_json skips a value it does not build without recursing, so a 10,000-deep value
        // in a field we read (a condition) or one we do not (x) costs the record nothing.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let body = format!(
            r#"{{"protocolSection": {{"identificationModule": {{"nctId": "NCT01234567"}}, "conditionsModule": {{"conditions": [{deep}, "Asthma"]}}, "x": {deep}}}}}"#
        );
        let study = parse(body.as_bytes()).unwrap();
        let conditions = study.protocol_section.unwrap().conditions_module.unwrap();
        assert_eq!(conditions.conditions, vec!["Asthma"]);
    }
}
