//! Structured output: the `response_format` we ask a server for, and what `auto` has learnt of
//! the server's answers.
//!
//! Servers that speak the chat completions protocol disagree on it. OpenAI, vLLM, llama.cpp's
//! `llama-server` and Ollama take `{"type": "json_schema", …}`; llama-cpp-python refuses that
//! with a 500 ("Input should be 'text' or 'json_object'") but takes `{"type": "json_object",
//! "schema": …}`, and older servers know only `json_object` or nothing. `auto` starts at the top
//! of that ladder and steps down each time a server refuses the format (a 400, 422 or 500 whose
//! body names `response_format`), and remembers the step for the server: a refusal is the
//! server telling us what it speaks, not a failure to retry.

use super::config::StructuredOutput;
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicU8, Ordering};

/// One way of asking for JSON, from the most to the least exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonSchema,
    JsonObjectSchema,
    JsonObject,
    None,
}

impl Format {
    const LADDER: [Format; 4] = [
        Format::JsonSchema,
        Format::JsonObjectSchema,
        Format::JsonObject,
        Format::None,
    ];

    /// Its name in logs, metrics and reasons, as `LAYSUM_LLM_STRUCTURED_OUTPUT` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::JsonSchema => "json-schema",
            Format::JsonObjectSchema => "json-object-schema",
            Format::JsonObject => "json-object",
            Format::None => "off",
        }
    }

    /// The `response_format` of a request, or `None` to send none. The schema goes in as
    /// written (see [`super::prompt::schema`]): its key order is the order the model writes in.
    pub fn response_format(self, schema: &RawValue) -> Option<Box<RawValue>> {
        let schema = schema.get();
        let text = match self {
            Format::JsonSchema => format!(
                r#"{{"type":"json_schema","json_schema":{{"name":"laysum_draft","strict":true,"schema":{schema}}}}}"#
            ),
            Format::JsonObjectSchema => format!(r#"{{"type":"json_object","schema":{schema}}}"#),
            Format::JsonObject => r#"{"type":"json_object"}"#.to_owned(),
            Format::None => return None,
        };
        // `schema` is JSON already (a RawValue), so the whole is too.
        RawValue::from_string(text).ok()
    }

    fn index(self) -> u8 {
        Self::LADDER.iter().position(|f| *f == self).unwrap_or(0) as u8
    }
}

/// The format to ask a server for: pinned by the settings, or learnt (`auto`).
#[derive(Debug)]
pub struct Formats {
    pinned: Option<Format>,
    /// Under `auto`, the ladder's step the server last accepted or has not yet refused.
    learnt: AtomicU8,
}

impl Formats {
    pub fn new(setting: StructuredOutput) -> Self {
        let pinned = match setting {
            StructuredOutput::Auto => None,
            StructuredOutput::JsonSchema => Some(Format::JsonSchema),
            StructuredOutput::JsonObjectSchema => Some(Format::JsonObjectSchema),
            StructuredOutput::JsonObject => Some(Format::JsonObject),
            StructuredOutput::Off => Some(Format::None),
        };
        Formats {
            pinned,
            learnt: AtomicU8::new(0),
        }
    }

    /// What to ask for now.
    pub fn current(&self) -> Format {
        self.pinned.unwrap_or_else(|| {
            Format::LADDER[usize::from(self.learnt.load(Ordering::Relaxed)).min(3)]
        })
    }

    /// The server refused `refused`: the next format to try, or `None` when the format is
    /// pinned (the refusal is then the answer). Concurrent refusals of one format step once.
    pub fn step_down(&self, refused: Format) -> Option<Format> {
        if self.pinned.is_some() || refused == Format::None {
            return None;
        }
        let next = refused.index() + 1;
        // Only move down: a slower call refusing a format we already left changes nothing.
        self.learnt.fetch_max(next, Ordering::Relaxed);
        Some(self.current())
    }
}

/// Whether an error answer refuses the `response_format` rather than the conversation: 400 and
/// 422 (the usual validation errors) or 500 (llama-cpp-python's answer to a format it does not
/// know) with a body that names it.
pub fn refuses_format(status: u16, body: &str) -> bool {
    if !matches!(status, 400 | 422 | 500) {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    lower.contains("response_format")
        || (status != 500
            && ["json_schema", "structured output"]
                .iter()
                .any(|w| lower.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_steps_down_the_ladder_and_remembers() {
        let formats = Formats::new(StructuredOutput::Auto);
        assert_eq!(formats.current(), Format::JsonSchema);
        assert_eq!(
            formats.step_down(Format::JsonSchema),
            Some(Format::JsonObjectSchema)
        );
        // A late refusal of the format already left does not move it further.
        assert_eq!(
            formats.step_down(Format::JsonSchema),
            Some(Format::JsonObjectSchema)
        );
        assert_eq!(formats.current(), Format::JsonObjectSchema);
        formats.step_down(Format::JsonObjectSchema);
        formats.step_down(Format::JsonObject);
        assert_eq!(formats.current(), Format::None);
        assert_eq!(formats.step_down(Format::None), None);
    }

    #[test]
    fn a_pinned_format_never_moves() {
        let formats = Formats::new(StructuredOutput::JsonObjectSchema);
        assert_eq!(formats.current(), Format::JsonObjectSchema);
        assert_eq!(formats.step_down(Format::JsonObjectSchema), None);
        assert_eq!(formats.current(), Format::JsonObjectSchema);
    }

    #[test]
    fn each_format_asks_as_its_servers_expect() {
        let raw = RawValue::from_string(r#"{"type": "object"}"#.to_owned()).unwrap();
        let schema = serde_json::json!({"type": "object"});
        let f = |format: Format| {
            format
                .response_format(&raw)
                .map(|r| serde_json::from_str::<serde_json::Value>(r.get()).unwrap())
        };
        assert_eq!(
            f(Format::JsonSchema).unwrap()["json_schema"]["schema"],
            schema
        );
        assert_eq!(
            f(Format::JsonObjectSchema).unwrap(),
            serde_json::json!({"type": "json_object", "schema": schema})
        );
        assert_eq!(
            f(Format::JsonObject).unwrap(),
            serde_json::json!({"type": "json_object"})
        );
        assert_eq!(f(Format::None), None);
    }

    #[test]
    fn the_schema_is_sent_with_its_keys_in_the_order_the_page_reads() {
        // A grammar built from the schema makes the model write the keys in this order.
        let schema = crate::llm::prompt::schema();
        for format in [Format::JsonSchema, Format::JsonObjectSchema] {
            let sent = format.response_format(&schema).unwrap();
            let at = |key: &str| sent.get().find(&format!("\"{key}\"")).unwrap();
            let order = [
                at("headline"),
                at("summary"),
                at("what_this_could_lead_to"),
                at("what_could_go_wrong"),
                at("what_the_trial_found"),
            ];
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", sent.get());
        }
    }

    #[test]
    fn an_answer_naming_response_format_refuses_the_format() {
        // llama-cpp-python's answer to json_schema, recorded from the real server.
        let llama_cpp_python = include_str!("../../tests/fixtures/llm/json_schema_500.json");
        assert!(refuses_format(500, llama_cpp_python));
        assert!(refuses_format(
            400,
            r#"{"error":{"message":"Unrecognized request argument: response_format"}}"#
        ));
        assert!(refuses_format(
            422,
            r#"{"detail":[{"loc":["body","response_format"]}]}"#
        ));
        assert!(!refuses_format(
            400,
            r#"{"error":{"message":"messages: too long"}}"#
        ));
        // A 500 that does not name the format is a server failure, and a 503 always is.
        assert!(!refuses_format(
            500,
            "upstream inference error: json_schema"
        ));
        assert!(!refuses_format(503, "response_format"));
    }
}
