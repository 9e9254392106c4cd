//! The naive baseline: the API calls a batched run made, read back from the emulator's
//! request log, sent again one call per HTTP request without `execute`.

use anyhow::{bail, Context as _};
use serde_json::{Map, Value};
use sferum_emulator::LogEntry;
use std::time::{Duration, Instant};

/// One API call: a method and its form parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiCall {
    /// The method, e.g. `messages.addChatUser`.
    pub method: String,
    /// Its parameters as sent in the form (without `v`).
    pub params: Vec<(String, String)>,
}

/// The calls the served requests of `log` made, in order: each call inside an `execute` on
/// its own. Requests the emulator refused (rate limit, API errors, faults) are left out.
pub fn calls_of(log: &[LogEntry]) -> anyhow::Result<Vec<ApiCall>> {
    let mut calls = Vec::new();
    for entry in log.iter().filter(|e| e.outcome.starts_with("ok")) {
        let params = entry.params.iter().filter(|(k, _)| k != "v");
        if entry.method == "execute" {
            let code = params
                .clone()
                .find(|(k, _)| k == "code")
                .map(|(_, v)| v.as_str())
                .context("an execute request without code in the log")?;
            calls.extend(execute_calls(code)?);
        } else {
            calls.push(ApiCall {
                method: entry.method.clone(),
                params: params.cloned().collect(),
            });
        }
    }
    Ok(calls)
}

/// The calls of `execute` code in the plugin's form `return [API.m({...}),...];`.
fn execute_calls(code: &str) -> anyhow::Result<Vec<ApiCall>> {
    let unexpected = || format!("execute code of an unexpected form: {code}");
    let mut rest = code
        .trim()
        .strip_prefix("return [")
        .and_then(|r| r.strip_suffix("];"))
        .with_context(unexpected)?;
    let mut calls = Vec::new();
    while !rest.is_empty() {
        let (method, args) = rest
            .strip_prefix("API.")
            .and_then(|r| r.split_once('('))
            .with_context(unexpected)?;
        let mut stream = serde_json::Deserializer::from_str(args).into_iter::<Map<String, Value>>();
        let params = stream.next().with_context(unexpected)??;
        let after = args[stream.byte_offset()..]
            .strip_prefix(')')
            .with_context(unexpected)?;
        rest = after.strip_prefix(',').unwrap_or(after);
        calls.push(ApiCall {
            method: method.to_string(),
            params: params
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
        });
    }
    Ok(calls)
}

/// What sending calls one per request took.
#[derive(Clone, Copy, Debug)]
pub struct Naive {
    /// HTTP requests sent: one per call.
    pub requests: u64,
    /// Wall time, without a rate limit.
    pub wall: Duration,
    /// Calls the API answered with an error.
    pub failed: u64,
}

/// Sends `calls` one per request, in order, to the API at `base` with `token`.
pub fn replay(base: &str, token: &str, calls: &[ApiCall]) -> anyhow::Result<Naive> {
    if calls.is_empty() {
        bail!("nothing to replay: the batched run's log is empty");
    }
    let http = reqwest::blocking::Client::builder().no_proxy().build()?;
    let started = Instant::now();
    let mut failed = 0;
    for call in calls {
        let mut form = call.params.clone();
        form.push(("v".into(), sferum_sync::client::VERSION.into()));
        let answer: Value = http
            .post(format!("{base}/method/{}", call.method))
            .bearer_auth(token)
            .form(&form)
            .send()?
            .json()?;
        if answer.get("error").is_some() {
            failed += 1;
        }
    }
    Ok(Naive {
        requests: calls.len() as u64,
        wall: started.elapsed(),
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: &str, params: &[(&str, &str)], outcome: &str) -> LogEntry {
        LogEntry {
            seq: 0,
            at_ms: 0,
            method: method.into(),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            outcome: outcome.into(),
        }
    }

    #[test]
    fn execute_requests_are_split_into_their_calls() {
        let code = r#"return [API.messages.createChat({"group_id":7,"title":"1 а — \"ученики\"),","user_ids":"1,2"}),API.messages.getInviteLink({"peer_id":2000000001})];"#;
        let log = [
            entry("groups.getById", &[("v", "5.199")], "ok"),
            entry(
                "execute",
                &[("code", code), ("v", "5.199")],
                "ok (1 inner errors)",
            ),
            entry("messages.getConversations", &[], "error 6"),
        ];
        let calls = calls_of(&log).unwrap();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0].method, "groups.getById");
        assert!(calls[0].params.is_empty());
        assert_eq!(calls[1].method, "messages.createChat");
        assert_eq!(
            calls[1].params,
            [
                ("group_id".to_string(), "7".to_string()),
                ("title".into(), "1 а — \"ученики\"),".into()),
                ("user_ids".into(), "1,2".into())
            ]
        );
        assert_eq!(calls[2].params[0].1, "2000000001");
    }

    #[test]
    fn other_code_is_refused() {
        assert!(execute_calls("var a = 1; return a;").is_err());
    }
}
