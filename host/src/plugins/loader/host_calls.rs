//! The host's answers to the named host services of ABI 1.1 and later, which plugins reach
//! through `HostServices::call` (names in `exchange_sdk::negotiate::services`).

use exchange_sdk::negotiate::{services, unknown_host_service};
use exchange_sdk::{AbiVersion, HostInfo};

/// What this host offers plugins beyond ABI 1.0; every name here is answered by [`answer`].
pub fn host_info() -> HostInfo {
    HostInfo {
        host: format!("exchange-host {}", env!("CARGO_PKG_VERSION")),
        abi_version: AbiVersion::current(),
        services: vec![services::HOST_INFO.to_string()],
    }
}

/// The JSON answer of the host service `name`; an error for a name this host does not know.
pub fn answer(name: &str, _input_json: &str) -> Result<String, String> {
    match name {
        services::HOST_INFO => serde_json::to_string(&host_info())
            .map_err(|e| format!("the host information cannot be encoded: {e}")),
        other => Err(unknown_host_service(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_service_is_answered_and_others_are_refused() {
        let info = host_info();
        assert_eq!(info.abi_version, AbiVersion::current());
        for name in &info.services {
            assert!(
                answer(name, "{}").is_ok(),
                "{name} is listed but not answered"
            );
        }
        let answered: HostInfo =
            serde_json::from_str(&answer(services::HOST_INFO, "{}").unwrap()).unwrap();
        assert_eq!(answered, info);
        assert_eq!(
            answer("no_such_service", "{}"),
            Err("this host does not provide the service \"no_such_service\"".to_string())
        );
    }
}
