//! The host's answers to the named host services of ABI 1.1 and later, which plugins reach
//! through `HostServices::call` (names in `exchange_sdk::negotiate::services`).

use exchange_sdk::negotiate::{services, unknown_host_service, MaxBindings, MaxBindingsRequest};
use exchange_sdk::{AbiVersion, HostInfo};
use exchange_store::Store;
use std::sync::Mutex;

/// What this host offers plugins beyond ABI 1.0; every name here is answered by [`answer`].
pub fn host_info() -> HostInfo {
    HostInfo {
        host: format!("exchange-host {}", env!("CARGO_PKG_VERSION")),
        abi_version: AbiVersion::current(),
        services: vec![
            services::HOST_INFO.to_string(),
            services::MAX_BINDINGS.to_string(),
        ],
    }
}

/// Whose run a service call belongs to: the store it reads and writes, and the organization.
pub struct RunScope<'a> {
    /// The host's store.
    pub store: &'a Mutex<Store>,
    /// The run's organization.
    pub org_id: &'a str,
}

/// The JSON answer of the host service `name`; an error for a name this host does not know.
pub fn answer(name: &str, input_json: &str, scope: &RunScope<'_>) -> Result<String, String> {
    match name {
        services::HOST_INFO => encode(&host_info()),
        services::MAX_BINDINGS => {
            let request: MaxBindingsRequest = serde_json::from_str(input_json)
                .map_err(|e| format!("the {name} request cannot be read: {e}"))?;
            let mut store = scope.store.lock().unwrap_or_else(|e| e.into_inner());
            let org = scope.org_id;
            match request {
                MaxBindingsRequest::List => Ok(()),
                MaxBindingsRequest::Offer { bindings } => store.offer_max_bindings(org, &bindings),
                MaxBindingsRequest::Bind { payload, max_id } => {
                    store.bind_max(org, &payload, max_id).map(|_| ())
                }
            }
            .and_then(|()| store.max_bindings(org))
            .map_err(|e| format!("the MAX bindings cannot be kept: {e:#}"))
            .and_then(|bindings| encode(&MaxBindings { bindings }))
        }
        other => Err(unknown_host_service(other)),
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("the answer cannot be encoded: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_service_is_answered_and_others_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        store.add_org("s1", "Школа").unwrap();
        let store = Mutex::new(store);
        let scope = RunScope {
            store: &store,
            org_id: "s1",
        };
        let info = host_info();
        assert_eq!(info.abi_version, AbiVersion::current());
        let inputs = |name: &str| match name {
            services::MAX_BINDINGS => r#"{"op":"list"}"#,
            _ => "{}",
        };
        for name in &info.services {
            assert!(
                answer(name, inputs(name), &scope).is_ok(),
                "{name} is listed but not answered"
            );
        }
        let answered: HostInfo =
            serde_json::from_str(&answer(services::HOST_INFO, "{}", &scope).unwrap()).unwrap();
        assert_eq!(answered, info);
        assert_eq!(
            answer("no_such_service", "{}", &scope),
            Err("this host does not provide the service \"no_such_service\"".to_string())
        );
    }

    #[test]
    fn max_bindings_are_offered_bound_and_listed_for_the_run_organization() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db")).unwrap();
        store.add_org("s1", "Школа").unwrap();
        let store = Mutex::new(store);
        let scope = RunScope {
            store: &store,
            org_id: "s1",
        };
        let call = |input: &str| answer(services::MAX_BINDINGS, input, &scope);
        call(r#"{"op":"offer","bindings":[{"person":"student:a","payload":"x1","link":"https://max.ru/b?start=x1"}]}"#)
            .unwrap();
        let answered: MaxBindings =
            serde_json::from_str(&call(r#"{"op":"bind","payload":"x1","max_id":5}"#).unwrap())
                .unwrap();
        assert_eq!(answered.bindings[0].max_id, Some(5));
        assert!(call(r#"{"op":"forget"}"#)
            .unwrap_err()
            .contains("cannot be read"));
    }
}
