//! A run's settings, read from the organization's Links base and the task's parameters.

use crate::client::{ProxySettings, RetryPolicy, Settings};
use crate::manifest::{set, ACCESS_TOKEN_KEY as TOKEN_KEY, COMMUNITY_ID_KEY as COMMUNITY_KEY};
use exchange_sdk::Context;

/// What a run needs to know before it starts.
#[derive(Clone, Debug)]
pub struct Config {
    /// The school's Sferum community.
    pub community_id: u64,
    /// The community access token (secret).
    pub token: String,
    /// The proxy from the task's parameters.
    pub proxy: Option<ProxySettings>,
    /// Keep a chat per subject group too.
    pub subject_chats: bool,
    /// Plan and print only.
    pub dry_run: bool,
    /// The removal guard's threshold.
    pub max_removals_percent: u64,
    /// Removals above the threshold are confirmed, for this run only (`run --force`).
    pub force: bool,
    /// Create anew the chats the community lost access to.
    pub recreate_lost: bool,
}

fn where_to_enter(org: &str) -> String {
    format!(
        "Enter the school's Sferum community ID and community access token in the organization's Links base («База ссылок»): exchange-host org set {org} sferum.community_id=<ID> sferum.access_token=<token>. Both are issued by the Education Committee (Комитет по образованию): ask the district coordinator"
    )
}

fn param<'a>(ctx: &'a Context<'_>, key: &str) -> Option<&'a str> {
    set(&ctx.request().params, key)
}

fn flag(ctx: &Context<'_>, key: &str) -> bool {
    param(ctx, key) == Some("1")
}

impl Config {
    /// Reads and checks the settings; the error says what to enter where.
    pub fn from_ctx(ctx: &Context<'_>) -> Result<Config, String> {
        let org = ctx.request().org_id.as_str();
        let community = set(&ctx.request().org_values, COMMUNITY_KEY);
        let token = set(&ctx.request().org_values, TOKEN_KEY);
        let missing: Vec<&str> = [
            (COMMUNITY_KEY, community.is_none()),
            (TOKEN_KEY, token.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            let verb = if missing.len() > 1 { "are" } else { "is" };
            return Err(format!(
                "{} {verb} not set. {}",
                missing.join(" and "),
                where_to_enter(org)
            ));
        }
        let (community, token) = (community.unwrap_or_default(), token.unwrap_or_default());
        let community_id = community.parse::<u64>().ok().filter(|&id| id > 0).ok_or_else(|| {
            format!("{COMMUNITY_KEY} must be the community's ID, a positive whole number, not «{community}». {}", where_to_enter(org))
        })?;
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) || !token.is_ascii() {
            return Err(format!(
                "{TOKEN_KEY} is malformed (an access token is one word of letters and digits). {}",
                where_to_enter(org)
            ));
        }
        let proxy = match param(ctx, "proxy_server") {
            None => None,
            Some(server) => {
                let port = param(ctx, "proxy_port")
                    .ok_or("proxy_port is required with proxy_server: set the proxy's port, e.g. proxy_port=3128")?
                    .parse::<u16>()
                    .map_err(|_| "proxy_port must be a port number 1-65535".to_string())?;
                let auth = if flag(ctx, "proxy_auth") {
                    let user = param(ctx, "proxy_username")
                        .ok_or("proxy_username is required with proxy_auth=1")?;
                    let pass = ctx
                        .param("proxy_password")
                        .filter(|p| !p.is_empty())
                        .ok_or("proxy_password is required with proxy_auth=1")?;
                    Some((user.to_string(), pass.to_string()))
                } else {
                    None
                };
                Some(ProxySettings {
                    server: server.to_string(),
                    port,
                    auth,
                })
            }
        };
        let max_removals_percent = match param(ctx, "max_removals_percent") {
            None => 20,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|&p| p <= 100)
                .ok_or("max_removals_percent must be a whole number 0-100")?,
        };
        Ok(Config {
            community_id,
            token: token.to_string(),
            proxy,
            subject_chats: flag(ctx, "subject_chats"),
            dry_run: ctx.dry_run() || flag(ctx, "dry_run"),
            max_removals_percent,
            force: ctx.force(),
            recreate_lost: flag(ctx, "recreate_lost"),
        })
    }

    /// The client settings for the API at `base`.
    pub fn settings(&self, base: &str, retry: RetryPolicy) -> Settings {
        Settings {
            base: base.to_string(),
            token: self.token.clone(),
            proxy: self.proxy.clone(),
            retry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::sabi_trait::TD_Opaque;
    use abi_stable::std_types::{ROption, RResult, RStr, RString};
    use exchange_sdk::abi::{HostServices, HostServices_TO};
    use exchange_sdk::RunRequest;

    struct NoHost;

    impl HostServices for NoHost {
        fn log(&self, _: u8, _: RStr<'_>) {}
        fn progress(&self, _: RStr<'_>, _: u64, _: u64) {}
        fn state_get(&self, _: RStr<'_>) -> ROption<RString> {
            ROption::RNone
        }
        fn state_set(&self, _: RStr<'_>, _: ROption<RStr<'_>>) -> RResult<(), RString> {
            RResult::ROk(())
        }
        fn publish_links(&self, _: RStr<'_>) -> RResult<(), RString> {
            RResult::ROk(())
        }
        fn set_call_link(&self, _: RStr<'_>, _: RStr<'_>) -> RResult<(), RString> {
            RResult::ROk(())
        }
        fn is_cancelled(&self) -> bool {
            false
        }
    }

    fn config(
        org: &[(&str, &str)],
        params: &[(&str, &str)],
        dry_run: bool,
    ) -> Result<Config, String> {
        let pairs = |p: &[(&str, &str)]| {
            p.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let request = RunRequest {
            org_id: "s1".into(),
            org_values: pairs(org),
            params: pairs(params),
            dry_run,
            ..Default::default()
        };
        Config::from_ctx(&Context::new(
            request,
            HostServices_TO::from_ptr(&NoHost, TD_Opaque),
        ))
    }

    const ORG: [(&str, &str); 2] = [
        ("sferum.community_id", " 239 "),
        ("sferum.access_token", "vk1.a.tok"),
    ];

    #[test]
    fn defaults_without_parameters() {
        let c = config(&ORG, &[], false).unwrap();
        assert_eq!((c.community_id, c.token.as_str()), (239, "vk1.a.tok"));
        assert_eq!(c.proxy, None);
        assert_eq!(c.max_removals_percent, 20);
        assert!(!(c.dry_run || c.force || c.subject_chats || c.recreate_lost));
        assert!(config(&ORG, &[], true).unwrap().dry_run);
        assert!(config(&ORG, &[("dry_run", "1")], false).unwrap().dry_run);
    }

    #[test]
    fn proxy_with_and_without_authorization() {
        let c = config(
            &ORG,
            &[
                ("proxy_server", "proxy.school"),
                ("proxy_port", "3128"),
                ("proxy_username", "u"),
            ],
            false,
        )
        .unwrap();
        assert_eq!(
            c.proxy,
            Some(ProxySettings {
                server: "proxy.school".into(),
                port: 3128,
                auth: None
            })
        );
        let params = [
            ("proxy_server", "p"),
            ("proxy_port", "8080"),
            ("proxy_auth", "1"),
            ("proxy_username", "u"),
            ("proxy_password", " pw "),
        ];
        let c = config(&ORG, &params, false).unwrap();
        assert_eq!(c.proxy.unwrap().auth, Some(("u".into(), " pw ".into())));
        let e = config(
            &ORG,
            &[
                ("proxy_server", "p"),
                ("proxy_port", "8080"),
                ("proxy_auth", "1"),
            ],
            false,
        )
        .unwrap_err();
        assert!(e.contains("proxy_username"), "{e}");
    }

    #[test]
    fn missing_values_say_what_where_and_who() {
        let e = config(&ORG[..1], &[], false).unwrap_err();
        assert!(e.starts_with("sferum.access_token is not set"), "{e}");
        assert!(
            e.contains("exchange-host org set s1")
                && e.contains("База ссылок")
                && e.contains("Education Committee"),
            "{e}"
        );
        let e = config(&[("sferum.access_token", "t")], &[], false).unwrap_err();
        assert!(e.starts_with("sferum.community_id is not set"), "{e}");
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in ["0", "-239", "club239", "2.5"] {
            let e = config(
                &[("sferum.community_id", bad), ("sferum.access_token", "t")],
                &[],
                false,
            )
            .unwrap_err();
            assert!(e.contains("positive whole number"), "{bad}: {e}");
        }
        let e = config(
            &[
                ("sferum.community_id", "1"),
                ("sferum.access_token", "two words"),
            ],
            &[],
            false,
        )
        .unwrap_err();
        assert!(e.contains("malformed") && !e.contains("two words"), "{e}");
    }
}
