//! What a host and a plugin offer each other beyond ABI 1.0, and how each finds out.
//!
//! Since ABI 1.1 each side answers one generic call by name with JSON
//! ([`crate::abi::PluginModule::call`], [`crate::abi::HostServices::call`]) and lists the names
//! it answers: a plugin in its [`PluginCapabilities`] (the [`entry_points::CAPABILITIES`]
//! entry point), a host in its [`HostInfo`] (the [`services::HOST_INFO`] service). A caller
//! asks for the list first and calls only what is listed, so a plugin built against SDK 1.0
//! (which has no `call` at all) and a host older than the plugin both keep working.

use crate::manifest::Params;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The plugin entry points after ABI 1.0, by the name the host passes to
/// [`crate::abi::PluginModule::call`]. Names are only ever added.
pub mod entry_points {
    /// Since 1.1: the plugin's [`super::PluginCapabilities`]. Input: `{}`.
    pub const CAPABILITIES: &str = "capabilities";
    /// Since 1.3: the plugin's own checks of a task's parameters, in the language of the
    /// person saving them ([`crate::TaskPlugin::validate_in`]). Input: a
    /// [`super::ValidateRequest`]; answer: a list of [`crate::manifest::ParamProblem`]. A host
    /// asks the 1.0 `validate` of a plugin that does not list it.
    pub const VALIDATE_IN: &str = "validate_in";
}

/// The host services after ABI 1.0, by the name a plugin passes to
/// [`crate::abi::HostServices::call`]. Names are only ever added.
pub mod services {
    /// Since 1.1: the host's [`super::HostInfo`]. Input: `{}`.
    pub const HOST_INFO: &str = "host_info";
    /// Since 1.2: the organization's MAX bindings, kept by the host across school data
    /// imports. Input: a [`super::MaxBindingsRequest`]; answer: [`super::MaxBindings`] (after
    /// a change, the bindings as they are now).
    pub const MAX_BINDINGS: &str = "max_bindings";
}

/// A plugin ABI version as `major.minor`; the patch level says nothing about compatibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AbiVersion {
    /// Plugins and hosts of different majors do not load each other.
    pub major: u32,
    /// Each minor may add named entry points and services, never remove one.
    pub minor: u32,
}

impl AbiVersion {
    /// ABI 1.0, the first release: no named entry points or services.
    pub const V1_0: AbiVersion = AbiVersion::new(1, 0);

    /// The version `major.minor`.
    pub const fn new(major: u32, minor: u32) -> AbiVersion {
        AbiVersion { major, minor }
    }

    /// The ABI of this SDK, [`crate::abi::ABI_VERSION`].
    pub fn current() -> AbiVersion {
        crate::abi::ABI_VERSION
            .parse()
            .expect("ABI_VERSION is major.minor.patch")
    }
}

impl fmt::Display for AbiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for AbiVersion {
    type Err = String;

    /// Reads `1.2` or `1.2.3`.
    fn from_str(text: &str) -> Result<AbiVersion, String> {
        let mut parts = text.split('.');
        let number = |part: Option<&str>| part.and_then(|p| p.parse::<u32>().ok());
        let (major, minor, patch) = (parts.next(), parts.next(), parts.next());
        match (number(major), number(minor)) {
            (Some(major), Some(minor))
                if parts.next().is_none() && patch.is_none_or(|p| p.parse::<u32>().is_ok()) =>
            {
                Ok(AbiVersion::new(major, minor))
            }
            _ => Err(format!(
                "{text:?} is not an ABI version (major.minor, e.g. 1.1)"
            )),
        }
    }
}

impl TryFrom<String> for AbiVersion {
    type Error = String;
    fn try_from(text: String) -> Result<AbiVersion, String> {
        text.parse()
    }
}

impl From<AbiVersion> for String {
    fn from(version: AbiVersion) -> String {
        version.to_string()
    }
}

/// What a plugin offers beyond ABI 1.0: its answer to [`entry_points::CAPABILITIES`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PluginCapabilities {
    /// The oldest host ABI the plugin runs in; an older host refuses to load it.
    pub min_host_abi: AbiVersion,
    /// The entry points it answers through `call`, by name ([`entry_points`]).
    #[serde(default)]
    pub entry_points: Vec<String>,
}

impl PluginCapabilities {
    /// What a plugin built against SDK 1.0 offers: nothing beyond 1.0, in any 1.x host.
    pub fn of_abi_1_0() -> PluginCapabilities {
        PluginCapabilities {
            min_host_abi: AbiVersion::V1_0,
            entry_points: Vec::new(),
        }
    }

    /// Whether the plugin answers the entry point `name` (one of [`entry_points`]).
    pub fn provides(&self, name: &str) -> bool {
        self.entry_points.iter().any(|e| e == name)
    }
}

/// The input of the [`entry_points::VALIDATE_IN`] entry point.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidateRequest {
    /// The task's parameters with the manifest's defaults, as the 1.0 `validate` gets them.
    pub params: Params,
    /// The language of the problems' messages (`ru`, `en`); empty when the host does not say
    /// (the plugin then uses its own default).
    #[serde(default)]
    pub locale: String,
}

/// What a host offers beyond ABI 1.0: its answer to [`services::HOST_INFO`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HostInfo {
    /// The host program and its version, e.g. `exchange-host 0.1.0`.
    pub host: String,
    /// The plugin ABI the host speaks.
    pub abi_version: AbiVersion,
    /// The services it answers through `call`, by name ([`services`]).
    #[serde(default)]
    pub services: Vec<String>,
}

impl HostInfo {
    /// Whether the host answers the service `name`.
    pub fn provides(&self, name: &str) -> bool {
        self.services.iter().any(|s| s == name)
    }
}

/// One person's MAX binding: the deep-link payload handed out for them and, once they opened
/// the link, their MAX user id. `person` is the school data record's key: `staff:<id>`,
/// `parent:<id>` or `student:<id>`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MaxBinding {
    /// The person's record key.
    pub person: String,
    /// The `start` payload of the person's deep link (unguessable, unique per organization).
    pub payload: String,
    /// The person's deep link as the plugin last built it, for the administrator to pass on.
    pub link: String,
    /// The MAX user id that opened the link, once someone did.
    #[serde(default)]
    pub max_id: Option<u64>,
}

/// A request to the [`services::MAX_BINDINGS`] service, for the run's organization.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum MaxBindingsRequest {
    /// Every binding of the organization.
    List,
    /// Hand out deep links: a person who already has one keeps its payload and gets the new
    /// link text; the others get these payloads. Input bindings' `max_id` is ignored.
    Offer {
        /// The bindings to offer.
        bindings: Vec<MaxBinding>,
    },
    /// Records that the MAX user `max_id` opened the deep link with `payload`; unknown
    /// payloads change nothing.
    Bind {
        /// The payload the person's `bot_started` update carried.
        payload: String,
        /// The person's MAX user id.
        max_id: u64,
    },
}

/// The answer of the [`services::MAX_BINDINGS`] service.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct MaxBindings {
    /// The organization's bindings, by person key.
    pub bindings: Vec<MaxBinding>,
}

/// The one line for a plugin that needs a newer host than the one it is in; the host says it
/// when it refuses to load the plugin, the SDK when a host too old to know the rule runs it.
pub fn needs_newer_host(needed: AbiVersion, host: AbiVersion) -> String {
    format!(
        "needs a host that speaks plugin ABI {needed} or newer, but this host speaks ABI {host}: \
         upgrade exchange-host, or install a build of the plugin for ABI {host}"
    )
}

/// The answer to a host service name the host does not know.
pub fn unknown_host_service(name: &str) -> String {
    format!("this host does not provide the service {name:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_with_or_without_patch_and_compare_by_minor() {
        assert_eq!("1.2".parse(), Ok(AbiVersion::new(1, 2)));
        assert_eq!("1.2.7".parse(), Ok(AbiVersion::new(1, 2)));
        assert!(AbiVersion::new(1, 10) > AbiVersion::new(1, 9));
        for bad in ["1", "", "1.x", "1.2.3.4", "1.2.x", "v1.2"] {
            assert!(bad.parse::<AbiVersion>().is_err(), "{bad}");
        }
        assert_eq!(AbiVersion::current().to_string(), "1.3");
    }

    #[test]
    fn max_binding_requests_cross_as_json_tagged_by_op() {
        let bind = MaxBindingsRequest::Bind {
            payload: "p1".into(),
            max_id: 7,
        };
        let json = serde_json::to_string(&bind).unwrap();
        assert_eq!(json, r#"{"op":"bind","payload":"p1","max_id":7}"#);
        assert_eq!(
            serde_json::from_str::<MaxBindingsRequest>(&json).unwrap(),
            bind
        );
        assert_eq!(
            serde_json::from_str::<MaxBindingsRequest>(r#"{"op":"list"}"#).unwrap(),
            MaxBindingsRequest::List
        );
    }

    #[test]
    fn a_validation_request_crosses_as_json_and_its_locale_may_be_missing() {
        let request = ValidateRequest {
            params: crate::testing::params(&[("bind_chats", "-1")]),
            locale: "en".into(),
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, r#"{"params":{"bind_chats":"-1"},"locale":"en"}"#);
        assert_eq!(
            serde_json::from_str::<ValidateRequest>(&json).unwrap(),
            request
        );
        let no_locale = serde_json::from_str::<ValidateRequest>(r#"{"params":{}}"#).unwrap();
        assert_eq!(no_locale, ValidateRequest::default());
    }

    #[test]
    fn capabilities_cross_as_json_with_the_version_as_text() {
        let caps = PluginCapabilities {
            min_host_abi: AbiVersion::new(1, 1),
            entry_points: vec![entry_points::CAPABILITIES.into()],
        };
        let json = serde_json::to_string(&caps).unwrap();
        assert_eq!(
            json,
            r#"{"min_host_abi":"1.1","entry_points":["capabilities"]}"#
        );
        assert_eq!(
            serde_json::from_str::<PluginCapabilities>(&json).unwrap(),
            caps
        );
        assert!(serde_json::from_str::<PluginCapabilities>(r#"{"min_host_abi":"one"}"#).is_err());
    }
}
